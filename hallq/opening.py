"""When a closed hall or service opens next, in words (kiosk tiles, wall displays).

``opens_at`` comes from the service (``state/service/<code>``, ``state/hall``, a refusal);
this only words it in the hall's time zone, relative to ``now``: "08:30", "明天 08:30",
"10月8日 08:30".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def opens_when(opens_at: float, now: float, timezone: str, lang: str) -> str:
    """The next opening as a short phrase: the time today, tomorrow, or the date."""
    tz = ZoneInfo(timezone)
    at, today = datetime.fromtimestamp(opens_at, tz), datetime.fromtimestamp(now, tz).date()
    clock = at.strftime("%H:%M")
    days = (at.date() - today).days
    if days <= 0:
        return clock
    if days == 1:
        return f"tomorrow {clock}" if lang == "en" else f"明天 {clock}"
    if lang == "en":
        return f"{at.day} {MONTHS_EN[at.month - 1]} {clock}"
    return f"{at.month}月{at.day}日 {clock}"


def opens_text(opens_at: float, now: float, timezone: str, lang: str) -> str:
    """A full line for a closed tile or a wall display: "明天 08:30 开始取号"."""
    when = opens_when(opens_at, now, timezone, lang)
    return f"Tickets from {when}" if lang == "en" else f"{when} 开始取号"
