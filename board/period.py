"""Report periods: a day, a month, a quarter or a year, as the business days they cover."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from hallq.errors import HallqError


class PeriodError(HallqError, ValueError):
    """A report period is not written as YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY."""


PATTERNS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-[Qq]([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}
TITLES = {  # kind -> (zh, en)
    "day": ("日报", "Daily report"),
    "month": ("月报", "Monthly report"),
    "quarter": ("季报", "Quarterly report"),
    "year": ("年报", "Annual report"),
}
BUCKETS = {  # kind -> the chart's bar: (zh, en)
    "day": ("分时", "Hourly"),
    "month": ("分日", "Daily"),
    "quarter": ("分日", "Daily"),
    "year": ("分月", "Monthly"),
}


@dataclass(frozen=True)
class Period:
    kind: str  # day | month | quarter | year
    label: str  # 2026-12-01, 2026-12, 2026-Q4, 2026
    first: date
    last: date

    @property
    def days(self) -> list[str]:
        n = (self.last - self.first).days + 1
        return [(self.first + timedelta(days=i)).isoformat() for i in range(n)]

    @property
    def title(self) -> str:
        zh, en = TITLES[self.kind]
        return f"{zh} {en}"

    def bucket(self) -> Callable[[str], str]:
        """A day's bar in the period's chart: the day itself, or its month in a year."""
        return (lambda day: day[:7]) if self.kind == "year" else (lambda day: day)


def parse(kind: str, text: str) -> Period:
    """``parse("month", "2026-12")`` -> the period; PeriodError with the expected form."""
    m = PATTERNS[kind].match(text.strip())
    if m is None:
        raise PeriodError(f"{kind} must look like {_EXAMPLES[kind]}, not {text!r}")
    try:
        first, last = _bounds(kind, [int(g) for g in m.groups()])
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a real {kind}: {exc}") from exc
    label = first.isoformat() if kind == "day" else text.strip().upper()
    return Period(kind, label, first, last)


_EXAMPLES = {"day": "2026-12-01", "month": "2026-12", "quarter": "2026-Q4", "year": "2026"}


def _bounds(kind: str, g: list[int]) -> tuple[date, date]:
    if kind == "day":
        d = date(g[0], g[1], g[2])
        return d, d
    if kind == "month":
        return date(g[0], g[1], 1), date(g[0], g[1], calendar.monthrange(g[0], g[1])[1])
    if kind == "quarter":
        m = 3 * g[1] - 2
        return date(g[0], m, 1), date(g[0], m + 2, calendar.monthrange(g[0], m + 2)[1])
    return date(g[0], 1, 1), date(g[0], 12, 31)


def from_query(params: dict[str, str], today: str) -> Period:
    """The period a request names (``?month=2026-12`` …); today's day report without one."""
    for kind in ("day", "month", "quarter", "year"):
        if params.get(kind):
            return parse(kind, params[kind])
    return parse("day", today)
