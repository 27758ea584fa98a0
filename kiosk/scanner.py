"""Barcode/QR scanners: "tell me when a code was read". A serial one and a fake.

A keyboard-wedge scanner needs no adapter: it types into the focused code field.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Scanner(Protocol):
    when_scanned: Callable[[str], None] | None

    def start(self) -> None: ...
    def stop(self) -> None: ...


class FakeScanner:
    """Tests call ``scan("A1234")``; it reaches ``when_scanned`` like a real read."""

    def __init__(self) -> None:
        self.when_scanned: Callable[[str], None] | None = None
        self.is_running = False

    def start(self) -> None:
        self.is_running = True

    def stop(self) -> None:
        self.is_running = False

    def scan(self, code: str) -> None:
        if self.is_running and self.when_scanned:
            self.when_scanned(code)


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
