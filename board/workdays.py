"""Working days: the one place that decides whether a date is one (差评 follow-up deadlines).

Until the hall's ``[calendar]`` (holidays, make-up working days) is available here, a working
day is Monday to Friday. Everything that counts working days calls :func:`is_working_day` or
:func:`add_working_days`, so teaching this module the calendar teaches all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

IsWorking = Callable[[date], bool]


def is_working_day(day: date) -> bool:
    """Monday to Friday (holidays and make-up days: see the module docstring)."""
    return day.weekday() < 5


def add_working_days(start: date, n: int, is_working: IsWorking = is_working_day) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts)."""
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        left -= is_working(day)
    return day
