"""Fakes for other people's tests: same public surface as the real devices, no hardware."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hardware.board import BoardCommand, WindowBoard, clean_text
from hardware.config import BoardConfig, PrinterConfig, VoiceConfig
from hardware.escpos_codec import encode_ticket
from hardware.printer import (
    READY_STATES,
    PrinterStatus,
    PrintOutcome,
    PrintResult,
    layout_for,
)
from hardware.ticket import TicketPrint
from hardware.voice import Announcer, Call, Form

__all__ = ["FakeAnnouncer", "FakePrinter", "FakeScanner", "FakeWindowBoard"]


class FakePrinter:
    """Records tickets; set ``.status_value`` (or ``fail_send``) to simulate faults."""

    def __init__(self, cfg: PrinterConfig | None = None) -> None:
        self.cfg = cfg or PrinterConfig(type="dummy")
        self.layout = layout_for(self.cfg)
        self.status_value = PrinterStatus.OK
        self.fail_send = False
        self.tickets: list[TicketPrint] = []
        self.raw = b""
        self.is_open = False

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def status(self) -> PrinterStatus:
        return self.status_value if self.is_open else PrinterStatus.OFFLINE

    @property
    def is_ready(self) -> bool:
        return self.status() in READY_STATES

    def print_ticket(self, t: TicketPrint) -> PrintResult:
        status = self.status()
        if status not in READY_STATES:
            return PrintResult(PrintOutcome.NOT_READY, status, 0, f"printer {status.value}")
        if self.fail_send:
            return PrintResult(PrintOutcome.SEND_FAILED, PrinterStatus.UNKNOWN, 0, "fake failure")
        data = encode_ticket(t, self.layout)
        self.tickets.append(t)
        self.raw += data
        return PrintResult(PrintOutcome.PRINTED, status, len(data))


class FakeAnnouncer(Announcer):
    """The real announcement queue (one worker, strict order) recording instead of speaking.

    ``.announced`` lists the voice.Calls in the order they were spoken and ``.forms`` how
    (voice.Form: full, or shortened in a run); ``busy_s`` is how long each takes (a burst then
    queues up, as with a real player); ``overlaps`` counts calls spoken while another was
    (always 0 unless the queue is broken); calls not said in time are in ``.unsaid``. Read
    them after ``wait_idle()``: ``announce()`` only queues.
    """

    def __init__(
        self, busy_s: float = 0.0, late_s: float = 90.0, clock: Callable[[], float] | None = None
    ) -> None:
        super().__init__(VoiceConfig(engine="none", late_s=late_s), clock=clock or time.monotonic)
        self.busy_s = busy_s
        self.announced: list[Call] = []
        self.forms: list[Form] = []
        self.overlaps = 0
        self.closed = False
        self._speaking = threading.Lock()

    def open(self) -> None:
        self.closed = False
        super().open()

    def close(self, timeout: float | None = 30.0) -> None:
        super().close(timeout)
        self.closed = True

    def _speak(self, call: Call, form: Form = Form.FULL) -> None:
        if not self._speaking.acquire(blocking=False):
            self.overlaps += 1
            return
        try:
            time.sleep(self.busy_s)
            self.announced.append(call)
            self.forms.append(form)
        finally:
            self._speaking.release()


class FakeWindowBoard(WindowBoard):
    """Records what would be shown: ``.texts`` and ``.frames`` (command, text)."""

    def __init__(self, cfg: BoardConfig | None = None) -> None:
        super().__init__(cfg or BoardConfig())
        self.frames: list[tuple[BoardCommand, str]] = []

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.frames]

    def _send(self, command: BoardCommand, text: str) -> None:
        self.frames.append((command, clean_text(text)))


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
