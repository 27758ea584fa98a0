"""Fakes for other people's tests: same public surface as the real devices, no hardware."""

from __future__ import annotations

from collections.abc import Callable

from hardware.board import FakeWindowBoard
from hardware.config import PrinterConfig
from hardware.escpos_codec import encode_ticket
from hardware.printer import (
    READY_STATES,
    PrinterStatus,
    PrintOutcome,
    PrintResult,
    layout_for,
)
from hardware.ticket import TicketPrint
from hardware.voice import Call

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


class FakeAnnouncer:
    """Records calls instead of speaking: ``.announced`` is a list of voice.Call."""

    def __init__(self) -> None:
        self.announced: list[Call] = []
        self.closed = False

    def open(self) -> None:
        self.closed = False

    def announce(
        self, ticket: str, window_name: str, recall: bool = False, lang: str | None = None
    ) -> None:
        self.announced.append(Call(ticket, window_name, recall, lang or "zh"))

    def wait_idle(self, timeout: float | None = None) -> bool:
        return True

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


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
