"""What the kiosk knows and what each tile should say: pure functions, no Kivy, no I/O.

The retained ``state/service/<code>`` payloads are decoded into :class:`ServiceState` (unknown
keys are ignored on purpose: state payloads are extended by the service, never renamed, and a
kiosk must keep working when a field is added).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import msgspec

from hardware.printer import PrinterStatus

CLOSED_REASONS = ("hall_closed", "daily_cap", "service_closed")


class Link(enum.Enum):
    """How well the kiosk can reach the broker service."""

    CONNECTING = "connecting"  # started, or Mosquitto is back but the service did not answer yet
    OK = "ok"
    OFFLINE = "offline"  # Mosquitto unreachable, or the service stopped answering


class ServiceState(msgspec.Struct, kw_only=True, frozen=True):
    """One retained ``state/service/<code>`` payload (the fields the kiosk uses)."""

    service: str
    department: str = ""
    waiting: int = 0
    priority_waiting: int = 0
    est_wait_s: float | None = None
    open: bool = True
    closed_reason: str | None = None


_decode_service = msgspec.json.Decoder(ServiceState)


def decode_service(payload: bytes) -> ServiceState:
    """Decode a retained service payload; raises msgspec.DecodeError/ValidationError."""
    return _decode_service.decode(payload)


# presence field ``printer``: the web board shows these strings (docs/kiosk.md)
PRESENCE = {
    PrinterStatus.ONLINE_OK: "ok",
    PrinterStatus.PAPER_LOW: "paper_low",
    PrinterStatus.PAPER_OUT: "paper_out",
    PrinterStatus.COVER_OPEN: "cover_open",
    PrinterStatus.OFFLINE: "offline",
    PrinterStatus.UNKNOWN: "unknown",
}


def printer_blocks(status: PrinterStatus, can_read: bool = True) -> str | None:
    """The text key explaining why no ticket can be printed now, or None."""
    if status in (PrinterStatus.ONLINE_OK, PrinterStatus.PAPER_LOW):
        return None
    if status is PrinterStatus.UNKNOWN and not can_read:
        return None  # a write-only printer (USB, file): we cannot know, so we try
    if status is PrinterStatus.PAPER_OUT:
        return "printer_paper_out"
    return "printer_offline"


@dataclass
class KioskState:
    """Everything the screens render; changed only on the main thread."""

    link: Link = Link.CONNECTING
    printer: PrinterStatus = PrinterStatus.UNKNOWN
    printer_can_read: bool = True
    services: dict[str, ServiceState] = field(default_factory=dict)

    @property
    def blocked(self) -> str | None:
        """Why no tile can be tapped now (text key), or None."""
        if self.link is Link.OFFLINE:
            return "offline"
        if self.link is Link.CONNECTING:
            return "connecting"
        return printer_blocks(self.printer, self.printer_can_read)


@dataclass(frozen=True)
class TileView:
    """One tappable tile: a department on the home screen or a service in a department."""

    key: str
    name: str
    name_en: str
    waiting: int | None  # None: no state received yet
    est_wait_s: float | None
    enabled: bool
    reason: str | None  # text key shown on a greyed tile


def service_tile(code: str, name: str, name_en: str, st: ServiceState | None, blocked: str | None):
    """The tile for one service, greyed with the reason when it takes no tickets."""
    reason = blocked
    if reason is None and st is not None and not st.open:
        reason = st.closed_reason if st.closed_reason in CLOSED_REASONS else "service_closed"
    waiting = None if st is None else st.waiting
    est = None if st is None else st.est_wait_s
    return TileView(code, name, name_en, waiting, est, reason is None, reason)


def department_tile(dept_id: str, name: str, name_en: str, tiles: list[TileView]) -> TileView:
    """A department sums its services; it is greyed only when every service is."""
    known = [t.waiting for t in tiles if t.waiting is not None]
    waiting = sum(known) if known else None
    open_tiles = [t for t in tiles if t.enabled]
    ests = [t.est_wait_s for t in open_tiles if t.est_wait_s is not None]
    reason = None
    if not open_tiles:
        reasons = {t.reason for t in tiles}
        reason = reasons.pop() if len(reasons) == 1 else "service_closed"
    return TileView(dept_id, name, name_en, waiting, min(ests, default=None), not reason, reason)


def minutes(est_wait_s: float | None) -> int | None:
    """Whole minutes for display (at least 1 when there is any wait)."""
    if est_wait_s is None:
        return None
    return max(1, round(est_wait_s / 60)) if est_wait_s > 0 else 0
