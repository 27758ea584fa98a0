"""Business days and opening hours, from epoch seconds and the hall's timezone.

The wall clock can step (a Pi booting without a battery clock, an NTP server set wrong, chrony
stepping instead of slewing). The business day therefore only moves forward: ISO dates order as
strings, and a day starts only when the clock's business day is LATER than the current one, so a
clock set back keeps today (its numbers, its open windows) until it passes the next day's start.
:class:`ClockSteps` notices such steps so the service can say so once in its log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import ErrorCode
from .model import Calendar, OpeningHours, Span

LOOKAHEAD_DAYS = 62  # how far ahead the next opening is searched (a long holiday is 9 days)
STEP_TOLERANCE_S = 1.0  # readings this much behind the newest are not a step back
JUMP_S = 300.0  # a reading this much after the previous one is a forward jump


class HallClock:
    """Maps an instant to the hall's business day and opening state (with its calendar)."""

    def __init__(
        self,
        timezone: str,
        day_start_min: int,
        hours: OpeningHours,
        calendar: Calendar | None = None,
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.day_start = timedelta(minutes=day_start_min)
        self.hours = hours
        self.calendar = calendar or Calendar()

    def local(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, self.tz)

    def business_day(self, now: float) -> str:
        """The date whose business day contains ``now`` (a day starts at day_start)."""
        return (self.local(now) - self.day_start).date().isoformat()

    # ------------------------------------------------------------- calendar
    def hours_on(self, day: date) -> Span | None:
        """The hall's opening hours on a local date, or None when it is closed all day."""
        iso, cal, h = day.isoformat(), self.calendar, self.hours
        if iso in cal.holidays:
            return None
        if iso in cal.makeup_days:
            return (h.open_min, h.close_min)  # 调休: a working day with the regular hours
        if day.weekday() not in h.weekdays:
            return None
        return cal.day_hours.get(day.weekday(), (h.open_min, h.close_min))

    def hall_spans(self, day: date) -> list[Span]:
        """When the hall takes tickets on a date: its hours, less a lunch that pauses issuing."""
        hours = self.hours_on(day)
        if hours is None:
            return []
        lunch = self.calendar.lunch
        if lunch is None or self.calendar.lunch_issuing:
            return [hours]
        return _minus(hours, lunch)

    def service_spans(self, day: date, service: str | None) -> list[Span]:
        """When ``service`` takes tickets on a date (the hall's spans within its own hours)."""
        spans = self.hall_spans(day)
        own = self.calendar.service_hours.get(service or "")
        if own is None:
            return spans
        return [s for s in (_overlap(span, own) for span in spans) if s is not None]

    def is_open(self, now: float) -> bool:
        """True while the hall takes tickets (opening hours, not a holiday, not a paused lunch)."""
        local = self.local(now)
        return _inside(self.hall_spans(local.date()), _minute(local))

    def closed_reason(self, now: float, service: str | None = None) -> ErrorCode | None:
        """``HALL_CLOSED`` / ``SERVICE_CLOSED`` when the calendar refuses tickets now, or None."""
        local = self.local(now)
        minute, day = _minute(local), local.date()
        if not _inside(self.hall_spans(day), minute):
            return ErrorCode.HALL_CLOSED
        if not _inside(self.service_spans(day, service), minute):
            return ErrorCode.SERVICE_CLOSED
        return None

    def next_opening(
        self, now: float, service: str | None = None, *, tomorrow: bool = False
    ) -> float | None:
        """The next instant (epoch s) after ``now`` at which ``service`` (None: the hall) starts
        taking tickets, from the next local date on if ``tomorrow``; None if not within
        LOOKAHEAD_DAYS (a calendar that closes everything)."""
        local = self.local(now)
        minute = -1 if tomorrow else _minute(local)
        first = local.date() + timedelta(days=1 if tomorrow else 0)
        for offset in range(LOOKAHEAD_DAYS):
            day = first + timedelta(days=offset)
            for start, _end in self.service_spans(day, service):
                if offset > 0 or start > minute:
                    return self.at(day, start)
        return None

    def at(self, day: date, minute: int) -> float:
        """Epoch seconds of a local date and minute."""
        return (datetime.combine(day, time(), self.tz) + timedelta(minutes=minute)).timestamp()


def _minute(local: datetime) -> int:
    return local.hour * 60 + local.minute


def _inside(spans: list[Span], minute: int) -> bool:
    return any(start <= minute < end for start, end in spans)


def _overlap(a: Span, b: Span) -> Span | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else None


def _minus(span: Span, cut: Span) -> list[Span]:
    """``span`` without ``cut`` (zero, one or two spans left)."""
    out = [(span[0], min(span[1], cut[0])), (max(span[0], cut[1]), span[1])]
    return [(s, e) for s, e in out if s < e]


def is_later_day(day: str, current: str) -> bool:
    """True if business day ``day`` comes after ``current`` ("" = no day yet)."""
    return day > current


class StepKind(StrEnum):
    BACK = "back"  # the clock went back behind the newest reading
    CAUGHT_UP = "caught_up"  # after a step back, the clock passed the newest reading again
    FORWARD = "forward"  # the clock jumped ahead between two readings


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    seconds: float  # how far back or ahead (0 for CAUGHT_UP)


class ClockSteps:
    """Watches successive clock readings; reports each step once, not every reading."""

    def __init__(self, newest: float, now: float) -> None:
        self.newest = max(newest, now)  # newest instant seen (readings, stored events)
        self.last = now
        self.behind = False

    def observe(self, now: float) -> Step | None:
        last, self.last = self.last, now
        if now < self.newest - STEP_TOLERANCE_S:
            if self.behind:
                return None
            self.behind = True
            return Step(StepKind.BACK, self.newest - now)
        if self.behind and now >= self.newest:
            self.behind, self.newest = False, now
            return Step(StepKind.CAUGHT_UP, 0.0)
        self.newest = max(self.newest, now)
        if now - last > JUMP_S:
            return Step(StepKind.FORWARD, now - last)
        return None
