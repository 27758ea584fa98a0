"""Region reports: every hall side by side for one day or one month, from the region's record
of the halls' events (region/record.py). Pure functions of the rows, plus CSV and xlsx.

Definitions (the hall board's, docs/board.md "Reports", where they overlap):

- **tickets**: tickets issued at the hall in the period.
- **wait**: from joining a queue to the first call after it (the hall's ``wait_s``), one per
  queue visit; mean and p90 (nearest rank, ``hallq.core.percentile``).
- **over target**: share of those waits longer than the service's target wait.
- **no-shows**: tickets called and not come (and their share of finished + no-shows).
- **satisfaction**: mean rating 1..5, and the good rate (好评率: scores 3..5 / all ratings).
- **complete**: the region's record holds at least the tickets and ratings the hall itself
  counted (its retained ``state/hall``); false means some events did not arrive (yet).
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from board.report_render import append_rows, csv_cell
from board.stats import Outcomes


class PeriodError(ValueError):
    """A report period that is not YYYY-MM-DD (day) or YYYY-MM (month)."""


@dataclass
class HallFigures(Outcomes):
    hall: str
    name: str = ""
    tickets: int = 0
    waits: list[float] = field(default_factory=list)
    over: int = 0
    finished: int = 0
    no_shows: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)  # index 0 = score 1
    hall_counted: dict[str, int] | None = None  # the hall's own totals (None: not heard)

    @property
    def over_share(self) -> float | None:
        return self.over / len(self.waits) if self.waits else None

    @property
    def rating_mean(self) -> float | None:
        n = self.rated
        return sum((i + 1) * k for i, k in enumerate(self.ratings)) / n if n else None

    @property
    def complete(self) -> bool:
        own = self.hall_counted
        if own is None:
            return self.tickets == 0
        return self.tickets >= own["issued"] and self.rated >= own["rated"]


def period_days(period: str) -> tuple[str, str]:
    """First and last day of ``YYYY-MM-DD`` (that day) or ``YYYY-MM`` (that month)."""
    try:
        if len(period) == 7:
            y, m = map(int, period.split("-"))
            last = calendar.monthrange(y, m)[1]
            return date(y, m, 1).isoformat(), date(y, m, last).isoformat()
        day = date.fromisoformat(period)
    except ValueError as exc:
        raise PeriodError("period must be YYYY-MM-DD or YYYY-MM / 日期格式错误") from exc
    return day.isoformat(), day.isoformat()


def figures(
    halls: list[tuple[str, str]],
    rows: Iterable[tuple[Any, ...]],
    counted: dict[str, dict[str, int]],
) -> list[HallFigures]:
    """One :class:`HallFigures` per (hall, name), in that order, from record rows
    (hall, kind, day, wait_s, target_s, outcome, score)."""
    out = {h: HallFigures(h, name, hall_counted=counted.get(h)) for h, name in halls}
    for hall, kind, _day, wait_s, target_s, outcome, score in rows:
        f = out.get(hall)
        if f is None:
            continue
        if kind == "issued":
            f.tickets += 1
        elif kind == "called":
            f.waits.append(float(wait_s))
            f.over += bool(target_s) and wait_s > target_s
        elif kind == "finished":
            f.no_shows += outcome == "no_show"
            f.finished += outcome != "no_show"
        elif kind == "rated" and 1 <= score <= 5:
            f.ratings[score - 1] += 1
    return list(out.values())


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def as_json(f: HallFigures) -> dict[str, Any]:
    return {
        "hall": f.hall,
        "name": f.name,
        "tickets": f.tickets,
        "waits": len(f.waits),
        "wait_mean_min": _min(f.wait_mean),
        "wait_p90_min": _min(f.wait_p90),
        "over_target_pct": _pct(f.over_share),
        "no_shows": f.no_shows,
        "no_show_pct": _pct(f.no_show_rate),
        "rated": f.rated,
        "rating_mean": None if f.rating_mean is None else round(f.rating_mean, 2),
        "satisfaction_pct": _pct(f.satisfaction),
        "complete": f.complete,
        "hall_counted": f.hall_counted,
    }


HEADER = [
    "大厅 Hall",
    "取号 Tickets",
    "平均等候(分) Mean wait (min)",
    "P90等候(分) P90 wait (min)",
    "超时占比% Over target %",
    "过号 No-shows",
    "过号率% No-show %",
    "评价数 Ratings",
    "平均评分 Mean rating",
    "好评率% Satisfaction %",
    "数据完整 Complete",
]


def table(figs: list[HallFigures]) -> list[list[Any]]:
    rows = []
    for f in figs:
        j = as_json(f)
        rows.append(
            [
                f"{f.name} ({f.hall})",
                *(
                    j[k]
                    for k in (
                        "tickets",
                        "wait_mean_min",
                        "wait_p90_min",
                        "over_target_pct",
                        "no_shows",
                        "no_show_pct",
                        "rated",
                        "rating_mean",
                        "satisfaction_pct",
                    )
                ),
                "是 yes" if f.complete else "否 no (some events not received)",
            ]
        )
    return rows


def to_csv(figs: list[HallFigures], title: str, period: str) -> bytes:
    buf = io.StringIO()
    rows = [[title, period], HEADER, *table(figs)]
    csv.writer(buf).writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(figs: list[HallFigures], title: str, period: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = period
    append_rows(ws, [[title, period], HEADER, *table(figs)])  # formula-like text stays text
    for cell in ws[2]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
