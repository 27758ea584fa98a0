"""The ticket printer: "send these bytes, tell me your status".

``print_ticket()`` returns a PrintResult that is ok only when the bytes went out and, where the
transport can read, the printer answered a status query afterwards with paper in and cover
shut. A printer that does not answer is OFFLINE, never "paper ok" (python-escpos'
``paper_status()`` returns "ok" on silence; we do not use it).
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass

from hallq.contract import PrinterPresence
from hardware.config import PrinterConfig
from hardware.errors import EncodeError, PrinterError
from hardware.escpos_codec import Layout, encode_ticket
from hardware.ticket import TicketPrint
from hardware.transport import Transport, make_transport

__all__ = [
    "PrintOutcome",
    "PrintResult",
    "PrinterStatus",
    "TicketPrint",
    "TicketPrinter",
    "make_printer",
]

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12  # bits 1 and 4 set, bits 0 and 7 clear in every reply
_OFFLINE_BIT = 0x08  # n=1
_COVER_OPEN_BIT = 0x04  # n=2
_PAPER_NEAR_END, _PAPER_END = 0x0C, 0x60  # n=4


# The printer's status IS what the kiosk's presence publishes (docs/protocol.md): one enum,
# so a status cannot be written as one word and read as another. UNKNOWN: the transport
# cannot read, or the answer made no sense.
PrinterStatus = PrinterPresence


READY_STATES = frozenset({PrinterStatus.OK, PrinterStatus.PAPER_LOW})


class PrintOutcome(enum.Enum):
    PRINTED = "printed"  # bytes sent and the printer confirmed it is fine afterwards
    PRINTED_UNCONFIRMED = "printed_unconfirmed"  # bytes sent; transport cannot read status
    NOT_READY = "not_ready"  # nothing sent: offline, paper out, cover open, not open
    ENCODE_FAILED = "encode_failed"  # nothing sent: text not encodable
    SEND_FAILED = "send_failed"  # the write failed; part of the ticket may have printed
    FAILED_AFTER_SEND = "failed_after_send"  # sent, then the printer reported a fault


@dataclass(frozen=True)
class PrintResult:
    """Whether a ticket reached the printer, and if not, why."""

    outcome: PrintOutcome
    status: PrinterStatus
    bytes_sent: int = 0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in (PrintOutcome.PRINTED, PrintOutcome.PRINTED_UNCONFIRMED)

    @property
    def confirmed(self) -> bool:
        return self.outcome is PrintOutcome.PRINTED


def status_from_replies(online: int, offline: int, paper: int) -> PrinterStatus:
    """Map DLE EOT 1, 2 and 4 reply bytes to one status (worst first)."""
    if any(b & _FIXED_MASK != _FIXED_BITS for b in (online, offline, paper)):
        return PrinterStatus.UNKNOWN
    if offline & _COVER_OPEN_BIT:
        return PrinterStatus.COVER_OPEN
    if paper & _PAPER_END:
        return PrinterStatus.PAPER_OUT
    if online & _OFFLINE_BIT:
        return PrinterStatus.OFFLINE
    if paper & _PAPER_NEAR_END:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.OK


def layout_for(cfg: PrinterConfig) -> Layout:
    """The encoder's layout for a printer config (shared with the FakePrinter)."""
    return Layout(cfg.paper_mm, cfg.encoding, cfg.cutter, cfg.qr)


class TicketPrinter:
    """A thermal ticket printer on any transport; thread safe."""

    def __init__(self, cfg: PrinterConfig, transport: Transport | None = None) -> None:
        self.cfg = cfg
        self.transport = transport if transport is not None else make_transport(cfg)
        self.layout = layout_for(cfg)
        self._lock = threading.Lock()
        self._open = False

    def open(self) -> None:
        self.transport.open()
        self._open = True

    def close(self) -> None:
        with self._lock:
            self._open = False
            self.transport.close()

    def __enter__(self) -> TicketPrinter:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def is_ready(self) -> bool:
        """True when a ticket would be sent now (queries the printer where it can)."""
        return self._may_send(self.status())  # status() is OFFLINE while not open

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 4, each waiting at most status_timeout_s)."""
        with self._lock:
            return self._status_locked()

    def encode(self, t: TicketPrint) -> bytes:
        return encode_ticket(t, self.layout)

    def print_ticket(self, t: TicketPrint) -> PrintResult:
        """Print one ticket and say truthfully whether it reached the printer."""
        try:
            data = self.encode(t)
        except EncodeError as exc:
            return PrintResult(PrintOutcome.ENCODE_FAILED, PrinterStatus.UNKNOWN, 0, str(exc))
        with self._lock:
            return self._send_checked(data)

    def _send_checked(self, data: bytes) -> PrintResult:
        if not self._open:
            return PrintResult(PrintOutcome.NOT_READY, PrinterStatus.OFFLINE, 0, "not open")
        before = self._status_locked()
        if not self._may_send(before):
            return PrintResult(PrintOutcome.NOT_READY, before, 0, f"printer {before.value}")
        try:
            self.transport.write(data)
        except PrinterError as exc:
            log.warning("ticket not printed: %s", exc)
            return PrintResult(PrintOutcome.SEND_FAILED, PrinterStatus.UNKNOWN, 0, str(exc))
        if not self.transport.can_read:
            return PrintResult(PrintOutcome.PRINTED_UNCONFIRMED, before, len(data))
        after = self._status_locked()
        if after in READY_STATES:
            return PrintResult(PrintOutcome.PRINTED, after, len(data))
        log.warning("printer reported %s right after a ticket was sent", after.value)
        return PrintResult(PrintOutcome.FAILED_AFTER_SEND, after, len(data), f"then {after.value}")

    def _may_send(self, status: PrinterStatus) -> bool:
        if status in READY_STATES:
            return True
        return status is PrinterStatus.UNKNOWN and not self.transport.can_read

    def _status_locked(self) -> PrinterStatus:
        if not self._open:
            return PrinterStatus.OFFLINE
        if not self.transport.can_read:
            return PrinterStatus.UNKNOWN
        replies: list[int] = []
        for n in (1, 2, 4):  # a silent printer costs one timeout, not three
            try:
                reply = self._query(n)
            except PrinterError as exc:
                log.warning("printer status query failed: %s", exc)
                return PrinterStatus.OFFLINE
            if reply is None:
                return PrinterStatus.OFFLINE
            replies.append(reply)
        return status_from_replies(*replies)

    def _query(self, n: int) -> int | None:
        """One DLE EOT n round trip; None when nothing came back in time."""
        self.transport.discard_input()
        self.transport.write(DLE_EOT + bytes([n]))
        reply = self.transport.read(1, self.cfg.status_timeout_s)
        return reply[0] if reply else None


def make_printer(cfg: PrinterConfig) -> TicketPrinter:
    """The one wiring point: a TicketPrinter on the back-end the config names (not opened)."""
    return TicketPrinter(cfg)
