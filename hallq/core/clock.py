"""Business days and opening hours, from epoch seconds and the hall's timezone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .model import OpeningHours


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
