"""Bookings held at the region (跨层级预约): slots with capacities from region.toml, codes
signed with the booked hall's key, a retained notice to that hall, check-ins marked used.

SQLite (``[board] store``): one row per booking. A booking is refused when its slot is full,
not in the plan, in the past or too far ahead. Every booking and cancellation is published
retained on ``hallq/<hall>/region/booking/<code>`` (QoS 1): the hall gets it over its bridge
now, or when its link returns.

A township's counter books through its hall's service (broker/region_relay.py): a
``BookRequest`` comes in over that hall's bridge and :meth:`RegionBookings.answer` decides it
once; the answer is kept under the request's id (table ``requests``), so a repeat gets the
same answer and never a second booking; a request past its ``expires_at`` books nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from hallq import contract as c
from hallq.booking import MAX_SERIAL, Slot, make_code
from hallq.config import WEEKDAYS
from hallq.errors import HallqError

from .config import RegionConfig, SlotPlan
from .mosquitto import booking_key
from .sqlite import RegionTables

log = logging.getLogger(__name__)
SCHEMA = """
CREATE TABLE IF NOT EXISTS bookings (
  code TEXT PRIMARY KEY, hall TEXT NOT NULL, service TEXT NOT NULL, day TEXT NOT NULL,
  start TEXT NOT NULL, minutes INTEGER NOT NULL, serial INTEGER NOT NULL,
  status TEXT NOT NULL, by_user TEXT NOT NULL, by_hall TEXT NOT NULL, made_at REAL NOT NULL,
  ticket TEXT, used_at REAL);
CREATE INDEX IF NOT EXISTS bookings_slot ON bookings (hall, service, day, start);
CREATE TABLE IF NOT EXISTS requests (
  by_hall TEXT NOT NULL, id TEXT NOT NULL, answer BLOB NOT NULL, PRIMARY KEY (by_hall, id));
"""
Publish = Callable[[str, Any, bool], bool]


class BookingError(HallqError, ValueError):
    """A booking the region refuses (full, no such slot, past, too far ahead)."""


class RegionBookings(RegionTables):
    SCHEMA = SCHEMA

    def __init__(self, cfg: RegionConfig, clock: Callable[[], float]) -> None:
        super().__init__()
        self.cfg, self.clock = cfg, clock
        self.tz = ZoneInfo(cfg.region.timezone)
        self.publish: Publish = lambda _t, _p, _r: False

    def _path(self) -> Path:
        return self.cfg.resolve(self.cfg.board.store)

    # ------------------------------------------------------------ slots
    def _plan(self, hall: str, service: str) -> SlotPlan | None:
        return next((p for p in self.cfg.slots if p.hall == hall and p.service == service), None)

    def slots(self, hall: str, service: str, day: str) -> list[dict[str, Any]]:
        """The day's slots of a service with their free places."""
        plan = self._plan(hall, service)
        when = date.fromisoformat(day)
        if plan is None or WEEKDAYS[when.weekday()] not in plan.weekdays:
            return []
        rows = self.db.execute(
            "SELECT start, COUNT(*) FROM bookings WHERE hall=? AND service=? AND day=? "
            "AND status != 'cancelled' GROUP BY start",
            (hall, service, day),
        ).fetchall()
        taken = dict(rows)
        return [
            {
                "start": t,
                "minutes": plan.minutes,
                "capacity": plan.capacity,
                "free": plan.capacity - taken.get(t, 0),
            }
            for t in plan.times
        ]

    def offer(self) -> list[dict[str, Any]]:
        """Every bookable hall and service (the booking form's choices)."""
        return [
            {
                "hall": p.hall,
                "hall_name": self.cfg.hall(p.hall).name,
                "service": p.service,
                "service_name": p.service_name or p.service,
            }
            for p in self.cfg.slots
        ]

    # ------------------------------------------------------------ booking
    def book(
        self, hall: str, service: str, day: str, start: str, *, user: str, by_hall: str
    ) -> c.BookingNotice:
        with self._lock:
            return self._book(hall, service, day, start, user=user, by_hall=by_hall)

    def _book(
        self, hall: str, service: str, day: str, start: str, *, user: str, by_hall: str
    ) -> c.BookingNotice:
        plan = self._plan(hall, service)
        if plan is None or start not in plan.times:
            raise BookingError("没有这个预约时段 / no such slot")
        self._check_day(day, start)
        free = {s["start"]: s["free"] for s in self.slots(hall, service, day)}
        if free.get(start, 0) <= 0:
            raise BookingError("该时段已约满 / this slot is full")
        serial = self._next_serial(hall, day)
        h, m = map(int, start.split(":"))
        slot = Slot(
            self.cfg.hall(hall).hall_no,
            date.fromisoformat(day),
            h * 60 + m,
            plan.minutes,
            serial,
        )
        code = make_code(booking_key(self.cfg, hall), hall, service, slot)
        self.db.execute(
            "INSERT INTO bookings VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL,NULL)",
            (
                code,
                hall,
                service,
                day,
                start,
                plan.minutes,
                serial,
                "booked",
                user,
                by_hall,
                self.clock(),
            ),
        )
        notice = c.BookingNotice(
            code=code, service=service, day=day, start=start, minutes=plan.minutes, by_hall=by_hall
        )
        self._announce(hall, notice)
        log.info("booking made for %s %s %s %s by %s", hall, service, day, start, user)
        return notice

    def answer(self, by_hall: str, req: c.BookRequest) -> c.BookAnswer:
        """Hall ``by_hall``'s request, decided once: booked, or refused with why."""
        with self._lock:
            row = self.db.execute(
                "SELECT answer FROM requests WHERE by_hall=? AND id=?", (by_hall, req.id)
            ).fetchone()
            if row is not None:
                return c.decode(row[0], c.BookAnswer)
            answer = self._decide(by_hall, req)
            self.db.execute(
                "INSERT INTO requests VALUES (?,?,?)",
                (by_hall, req.id, msgspec.json.encode(answer)),
            )
        return answer

    def _decide(self, by_hall: str, req: c.BookRequest) -> c.BookAnswer:
        try:
            if self.clock() > req.expires_at:
                raise BookingError("请求已过期，未预约 / the request expired: nothing was booked")
            if req.hall not in {h.id for h in self.cfg.halls}:
                raise BookingError(f"没有大厅“{req.hall}” / no hall {req.hall!r}")
            plan = self._plan(req.hall, req.service)
            if plan is None:
                raise BookingError(
                    "该大厅不接受此事项的预约 / that hall takes no bookings for this service"
                )
            notice = self._book(
                req.hall, req.service, req.day, req.start, user=req.by, by_hall=by_hall
            )
        except BookingError as exc:
            log.info("booking request from %s refused: %s", by_hall, exc)
            return c.BookAnswer(id=req.id, ok=False, message=str(exc))
        return c.BookAnswer(
            id=req.id,
            ok=True,
            code=notice.code,
            hall=req.hall,
            hall_name=self.cfg.hall(req.hall).name,
            service=req.service,
            service_name=plan.service_name or req.service,
            day=notice.day,
            start=notice.start,
            minutes=notice.minutes,
        )

    def _check_day(self, day: str, start: str) -> None:
        try:
            when = datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=self.tz)
        except ValueError as exc:
            raise BookingError("日期格式应为 YYYY-MM-DD / day must be YYYY-MM-DD") from exc
        now = datetime.fromtimestamp(self.clock(), self.tz)
        if when < now:
            raise BookingError("该时段已过 / this slot is in the past")
        if when.date() > now.date() + timedelta(days=self.cfg.booking_days_ahead):
            raise BookingError("超出可预约天数 / too far ahead")

    def _next_serial(self, hall: str, day: str) -> int:
        (n,) = self.db.execute(
            "SELECT COALESCE(MAX(serial), 0) FROM bookings WHERE hall=? AND day=?", (hall, day)
        ).fetchone()
        if n >= MAX_SERIAL:
            raise BookingError("当天预约已达上限 / no more bookings this day")
        return int(n) + 1

    def cancel(self, code: str) -> c.BookingNotice:
        row = self.get(code)
        if row is None:
            raise BookingError("没有这个预约 / no such booking")
        if row["status"] != "booked":
            raise BookingError(f"预约状态为{row['status']} / booking is {row['status']}")
        self.db.execute("UPDATE bookings SET status='cancelled' WHERE code=?", (code,))
        notice = c.BookingNotice(
            code=code,
            service=row["service"],
            day=row["day"],
            start=row["start"],
            minutes=row["minutes"],
            status=c.BookingStatus.CANCELLED,
            by_hall=row["by_hall"],
        )
        self._announce(row["hall"], notice)
        return notice

    def _announce(self, hall: str, notice: c.BookingNotice) -> None:
        topic = f"hallq/{hall}/region/booking/{notice.code}"
        if not self.publish(topic, notice, True):
            log.warning("booking notice for %s not published now (region link down)", hall)

    def mark_used(self, hall: str, event: c.CheckedInEvent) -> None:
        """A hall's check-in: the booking is used (once; a repeat changes nothing)."""
        self.db.execute(
            "UPDATE bookings SET status='used', ticket=?, used_at=? WHERE code=? AND hall=? "
            "AND status != 'used'",
            (event.ticket, event.at, event.code, hall),
        )

    def get(self, code: str) -> dict[str, Any] | None:
        cur = self.db.execute("SELECT * FROM bookings WHERE code=?", (code,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def listing(self, halls: set[str]) -> list[dict[str, Any]]:
        """Bookings made by or for ``halls``, newest first."""
        cur = self.db.execute("SELECT * FROM bookings ORDER BY made_at DESC LIMIT 500")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return [r for r in rows if r["hall"] in halls or r["by_hall"] in halls]
