"""Barcode/QR scanners: "tell me when a code was read". A serial one here, its fake
(``FakeScanner``) in hardware/fakes.py.

A keyboard-wedge scanner needs no adapter: it types into the focused code field (the kiosk's
appointment screen submits on Enter).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Scanner(Protocol):
    """Calls ``when_scanned(code)`` (on its own thread) for each code read."""

    when_scanned: Callable[[str], None] | None

    def start(self) -> None: ...
    def stop(self) -> None: ...


class SerialScanner:
    """A scanner on a serial port that sends one code per line (CR or LF terminated)."""

    def __init__(self, port: str, baudrate: int = 9600) -> None:
        self.port, self.baudrate = port, baudrate
        self.when_scanned: Callable[[str], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        import serial  # only when a scanner is configured

        try:
            port = serial.Serial(self.port, self.baudrate, timeout=0.5)
        except (OSError, serial.SerialException) as exc:
            log.error("scanner %s cannot be opened: %s", self.port, exc)
            return
        with port:
            while not self._stop.is_set():
                line = port.read_until(b"\r").replace(b"\n", b"").strip()
                if line and self.when_scanned:
                    self.when_scanned(line.decode("ascii", "replace"))
