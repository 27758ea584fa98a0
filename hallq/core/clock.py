"""Business days and opening hours, from epoch seconds and the hall's timezone.

The wall clock can step (a Pi booting without a battery clock, an NTP server set wrong, chrony
stepping instead of slewing). The business day therefore only moves forward: ISO dates order as
strings, and a day starts only when the clock's business day is LATER than the current one, so a
clock set back keeps today (its numbers, its open windows) until it passes the next day's start.
:class:`ClockSteps` notices such steps so the service can say so once in its log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .model import OpeningHours

STEP_TOLERANCE_S = 1.0  # readings this much behind the newest are not a step back
JUMP_S = 300.0  # a reading this much after the previous one is a forward jump


class HallClock:
    """Maps an instant to the hall's business day and opening state."""

    def __init__(self, timezone: str, day_start_min: int, hours: OpeningHours) -> None:
        self.tz = ZoneInfo(timezone)
        self.day_start = timedelta(minutes=day_start_min)
        self.hours = hours

    def local(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, self.tz)

    def business_day(self, now: float) -> str:
        """The date whose business day contains ``now`` (a day starts at day_start)."""
        return (self.local(now) - self.day_start).date().isoformat()

    def is_open(self, now: float) -> bool:
        local = self.local(now)
        minute = local.hour * 60 + local.minute
        return local.weekday() in self.hours.weekdays and (
            self.hours.open_min <= minute < self.hours.close_min
        )


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
