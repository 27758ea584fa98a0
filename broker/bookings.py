"""The hall's side of bookings: the kiosk's ``appointment`` code checked before a ticket.

A code checks in only when it is signed with this hall's key for the service asked for, on its
day and slot (± ``region.checkin_margin_min``), not cancelled by the region and not used
today (the ticket keeps its code, so "once" survives a restart: it is in the event store).
Everything else is refused with ``booking_invalid`` and a message the kiosk shows; nothing
changes. A hall without ``[region]`` takes no appointment codes at all.

The region's notices (``hallq/<hall>/region/booking/<code>``, retained, bridged in) arrive on
paho's thread; they are kept here under a lock and read by the service's worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from hallq import contract as c
from hallq import protocol as p
from hallq.booking import BookingRefused, Desk, Refusal, check_time, normalize, service_of
from hallq.config import ConfigError, HallConfig
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import Event, TicketState

log = logging.getLogger(__name__)
Handler = Callable[[Engine, Any, str, str | None, float], list[Event]]


class BookingDesk:
    """Checks booking codes for one hall; ``open()`` reads the key, ``attach()`` listens."""

    def __init__(self, cfg: HallConfig) -> None:
        self.cfg = cfg
        self.desk: Desk | None = None
        self.notices: dict[str, c.BookingNotice] = {}
        self._lock = threading.Lock()

    def open(self) -> None:
        region = self.cfg.region
        if region is None:
            return
        path = self.cfg.resolve(region.booking_key_file)
        try:
            key = bytes.fromhex(path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError) as exc:
            raise ConfigError(
                self.cfg.source, [f"region.booking_key_file: cannot read a key from {path}"]
            ) from exc
        self.desk = Desk(self.cfg.hall.id, region.hall_no, key, region.checkin_margin_min)

    def attach(self, link: Any) -> None:
        """Follow the region's notices for this hall (bridged in)."""
        if self.cfg.region is not None:
            link.subscribe(f"{link.topics.root}/region/booking/+", self.on_notice)

    def on_notice(self, topic: str, payload: bytes) -> None:
        key = normalize(topic.rsplit("/", 1)[-1])
        if not payload:
            with self._lock:
                self.notices.pop(key, None)
            return
        try:
            notice = c.decode(payload, c.BookingNotice)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable booking notice on %s ignored: %s", topic, exc)
            return
        with self._lock:
            self.notices[key] = notice

    def check(self, engine: Engine, service: str, code: str, now: float) -> str:
        """The normalized code if it checks in now; QueueError(BOOKING_INVALID) if not."""
        try:
            return self._check(engine, service, code, now)
        except BookingRefused as exc:
            log.info("booking code refused: %s", exc.reason)  # the code itself is not logged
            raise QueueError(ErrorCode.BOOKING_INVALID, exc.message) from exc

    def _check(self, engine: Engine, service: str, code: str, now: float) -> str:
        if self.desk is None:
            raise BookingRefused(
                Refusal.NO_BOOKINGS, "本大厅不接受预约码 / this hall takes no booking codes"
            )
        slot, booked = service_of(self.desk, code, list(engine.layout.services))
        norm = normalize(code)
        with self._lock:
            notice = self.notices.get(norm)
        if notice is not None and notice.status == c.BookingStatus.CANCELLED:
            raise BookingRefused(Refusal.CANCELLED, "此预约已取消 / this booking was cancelled")
        if booked != service:
            name = engine.layout.services[booked].name
            raise BookingRefused(
                Refusal.WRONG_SERVICE,
                f"此预约办理的是“{name}”，请选择该事项 / this booking is for {booked}",
            )
        if any(
            t.appointment == norm and t.state is not TicketState.CANCELLED
            for t in engine.tickets.values()
        ):
            raise BookingRefused(Refusal.USED, "此预约码已签到过 / this booking is already used")
        local = datetime.fromtimestamp(now, ZoneInfo(engine.layout.timezone))
        check_time(self.desk, slot, local.date(), local.hour * 60 + local.minute)
        return norm


def issue_handler(desk: BookingDesk) -> Handler:
    """The ``issue`` op with its appointment code checked first."""

    def issue(e: Engine, cmd: p.Issue, dev: str, window: str | None, now: float) -> list[Event]:
        if cmd.service is None:  # a matter (一件事): no booking code (Issue checks that)
            return e.decide_issue_case(
                str(cmd.matter), now, priority=cmd.priority, confirm=cmd.confirm, source=dev
            )
        code = None if cmd.appointment is None else desk.check(e, cmd.service, cmd.appointment, now)
        return e.decide_issue(
            cmd.service,
            now,
            priority=cmd.priority,
            confirm=cmd.confirm,
            source=dev,
            appointment=code,
        )

    return issue
