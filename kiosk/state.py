"""What the kiosk knows and what each tile should say: pure functions, no Kivy, no I/O.

The retained ``state/service/<code>`` payloads arrive decoded by the state client
(:mod:`hallq.state`) as the contract's :class:`~hallq.contract.ServiceState`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import get_args

from hallq.contract import ClosedReason, ServiceState
from hallq.opening import opens_text
from hardware.printer import PrinterStatus

from .texts import tr

CLOSED_REASONS: tuple[str, ...] = get_args(ClosedReason)
GLOBAL_REASONS = {"offline", "connecting", "printer_paper_out", "printer_offline"}


class Link(enum.Enum):
    """How well the kiosk can reach the broker service."""

    CONNECTING = "connecting"  # started, or Mosquitto is back but the service did not answer yet
    OK = "ok"
    OFFLINE = "offline"  # Mosquitto unreachable, or the service stopped answering


def printer_blocks(status: PrinterStatus, can_read: bool = True) -> str | None:
    """The text key explaining why no ticket can be printed now, or None."""
    if status in (PrinterStatus.OK, PrinterStatus.PAPER_LOW):
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
    # offline issuing (docs/kiosk.md): leased numbers left today per prefix, and the services
    # the kiosk's own calendar closes now (the service cannot say so while unreachable)
    offline_numbers: dict[str, int] = field(default_factory=dict)
    offline_closed: dict[str, str] = field(default_factory=dict)

    @property
    def is_offline_issuing(self) -> bool:
        """Cut off from the service, but holding leased numbers: tickets still print."""
        return self.link is Link.OFFLINE and any(self.offline_numbers.values())

    @property
    def blocked(self) -> str | None:
        """Why no tile can be tapped now (text key), or None."""
        if self.link is Link.OFFLINE and not self.is_offline_issuing:
            return "offline"
        if self.link is Link.CONNECTING:
            return "connecting"
        return printer_blocks(self.printer, self.printer_can_read)


def offline_block(state: KioskState, service: str, prefix: str) -> str | None:
    """Offline issuing: why one service's tile is grey (no leased number left for its
    prefix, or the kiosk's calendar closes it now), or None."""
    if not state.is_offline_issuing:
        return None
    if not state.offline_numbers.get(prefix):
        return "offline_no_numbers"
    return state.offline_closed.get(service)


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
    opens_at: float | None = None  # closed by the calendar or a cap: when it takes tickets
    steps: int = 0  # a matter (一件事) tile: its number of steps; 0 for a department


MATTER_KEY = "matter:"  # a matter tile's key: "matter:<id>" (never a department id: no ":")


def matter_tile(matter_id: str, name: str, name_en: str, first: TileView, steps: int):
    """A matter (一件事) tile: open, waiting and wait as its first step's service."""
    return TileView(
        MATTER_KEY + matter_id,
        name,
        name_en,
        first.waiting,
        first.est_wait_s,
        first.enabled,
        first.reason,
        opens_at=first.opens_at,
        steps=steps,
    )


def tile_reason(tile: TileView, lang: str, now: float, timezone: str) -> str:
    """What a greyed tile says: why, and when it opens next if the service knows.

    A reason the banner already explains (offline, printer) is only "暂停取号"; a service
    closed by its own hours (not by staff) says so rather than "no open window"."""
    if tile.reason is None:
        return ""
    if tile.reason in GLOBAL_REASONS:
        return tr("paused", lang)
    key = tile.reason
    if key == "service_closed" and tile.opens_at is not None:
        key = "service_hours_over"
    text = tr(key, lang)
    if tile.opens_at is not None:
        text += "\n" + opens_text(tile.opens_at, now, timezone, lang)
    return text


def service_tile(code: str, name: str, name_en: str, st: ServiceState | None, blocked: str | None):
    """The tile for one service, greyed with the reason when it takes no tickets."""
    reason = blocked
    if reason is None and st is not None and not st.open:
        reason = st.closed_reason if st.closed_reason in CLOSED_REASONS else "service_closed"
    waiting = None if st is None else st.waiting
    est = None if st is None else st.est_wait_s
    opens = st.opens_at if st is not None and reason == st.closed_reason else None
    return TileView(code, name, name_en, waiting, est, reason is None, reason, opens)


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
    known_opens = [t.opens_at for t in tiles if t.opens_at is not None]
    every = bool(known_opens) and len(known_opens) == len(tiles)
    opens = min(known_opens) if reason and every else None
    est = min(ests, default=None)
    return TileView(dept_id, name, name_en, waiting, est, not reason, reason, opens)


def minutes(est_wait_s: float | None) -> int | None:
    """Whole minutes for display (at least 1 when there is any wait)."""
    if est_wait_s is None:
        return None
    return max(1, round(est_wait_s / 60)) if est_wait_s > 0 else 0
