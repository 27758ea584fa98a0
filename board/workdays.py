"""Working days: the one place that decides whether a date is one (差评 follow-up deadlines).

A working day (工作日) is Monday to Friday, except the hall's ``[calendar]`` holidays, plus its
make-up working days (调休). That is the legal working week, not the hall's opening days: a hall
open on Saturday mornings does not make Saturday count towards a deadline. Everything that
counts working days goes through :func:`working_days` / :func:`add_working_days`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from hallq.core.model import Calendar

IsWorking = Callable[[date], bool]


def is_working_day(day: date) -> bool:
    """Monday to Friday (a hall without a calendar)."""
    return day.weekday() < 5


def working_days(calendar: Calendar) -> IsWorking:
    """The hall's working days: weekdays less its holidays, plus its make-up days."""

    def is_working(day: date) -> bool:
        iso = day.isoformat()
        if iso in calendar.holidays:
            return False
        return iso in calendar.makeup_days or day.weekday() < 5

    return is_working


def add_working_days(start: date, n: int, is_working: IsWorking = is_working_day) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts)."""
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        left -= is_working(day)
    return day
