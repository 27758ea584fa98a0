"""``hallq report --config hall.toml --day|--month|--quarter|--year P [--format] [--out]``.

The figures come from the broker's event history (board/stats.py), read-only; the 差评
follow-ups from the board's follow-up file (board/followup.py). This module turns them into
rows and files (board/report_render.py). ``--ratings`` writes the period's ratings in the
好差评 platform's fields instead (board/ratings_export.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hallq.core.model import OpeningHours
from hallq.core.percentile import percentile
from hallq.errors import HallqError

from . import period as periods
from .followup import Item, Status
from .history import day_events, read_with, store_path
from .matter_report import matter_table
from .stats import EVENT_KINDS, DayReport, Row, Targets, period_report

DAY = periods.PATTERNS["day"]
FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
HEADER = [
    "类别 Kind",
    "代码 Code",
    "名称 Name",
    "票数 Tickets",
    "办结 Served",
    "平均办理 Service mean (min)",
    "平均等候 Wait mean (min)",
    "等候P90 Wait p90 (min)",
    "超时率 Over target",
    "过号 No-shows",
    "转办 Transfers",
    "非常满意 5",
    "满意 4",
    "基本满意 3",
    "不满意 2",
    "非常不满意 1",
    "评价数 Ratings",
    "好评率 Satisfaction",
    "差评 Bad",
]
KINDS = {
    "total": "全厅 Hall",
    "department": "部门 Department",
    "service": "事项 Service",
    "window": "窗口 Window",
    "staff": "人员 Staff",
}
BUCKET_HEADER = [
    "票数 Tickets",
    "办结 Served",
    "平均等候 Wait mean (min)",
    "等候P90 Wait p90 (min)",
    "超时率 Over target",
    "过号 No-shows",
    "评价数 Ratings",
    "差评 Bad",
]
FOLLOWUP_HEADER = [
    "日期 Day",
    "号码 Ticket",
    "评价 Score",
    "事项 Service",
    "窗口 Window",
    "人员 Staff",
    "责任部门 Department",
    "状态 Status",
    "期限 Due",
    "逾期 Overdue",
    "整改情况 Notes",
]
STATUS_TEXT = {
    Status.OPEN: "待处理 open",
    Status.HANDLED: "已处理待办结 handled",
    Status.CLOSED: "已办结 closed",
}


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def row_cells(kind: str, row: Row) -> list[Any]:
    return [
        KINDS[kind],
        row.key,
        row.name or row.key,
        row.tickets,
        row.finished,
        minutes(row.service_mean),
        minutes(row.wait_mean),
        minutes(row.wait_p90),
        ratio(row.over_target_share),
        row.no_shows,
        row.transfers,
        *reversed(row.ratings),
        row.rated,
        ratio(row.satisfaction),
        row.bad,
    ]


def table(r: DayReport) -> list[list[Any]]:
    """The summary table: the hall, then each department, service, window and staff member."""
    rows = [row_cells("total", r.total)]
    groups = (
        ("department", r.departments),
        ("service", r.services),
        ("window", r.windows),
        ("staff", r.staff),
    )
    for kind, group in groups:
        rows += [row_cells(kind, group[k]) for k in sorted(group)]
    return rows


def bucket_table(r: DayReport, head: str) -> list[list[Any]]:
    """The hall per day (a month or quarter) or per month (a year)."""
    body = [
        [
            key,
            row.tickets,
            row.finished,
            minutes(row.wait_mean),
            minutes(row.wait_p90),
            ratio(row.over_target_share),
            row.no_shows,
            row.rated,
            row.bad,
        ]
        for key, row in sorted(r.buckets.items())
        if row.tickets or row.finished or row.rated
    ]
    return [[head, *BUCKET_HEADER], *body]


def opening_span(hours: OpeningHours) -> tuple[int, int]:
    """First and last local hour of the hall's opening hours ("08:30"-"17:30" -> 8, 17)."""
    return hours.open_min // 60, max(0, hours.close_min - 1) // 60


def hourly_rows(r: DayReport) -> list[dict[str, Any]]:
    """Per hour: arrivals and the waits of the calls made in that hour (minutes)."""
    out = []
    for h in r.hours():
        waits = r.hourly_waits.get(h, [])
        out.append(
            {
                "hour": h,
                "arrivals": r.total.arrivals.get(h, 0),
                "calls": len(waits),
                "wait_p50_min": minutes(percentile(waits, 50)),
                "wait_p90_min": minutes(percentile(waits, 90)),
            }
        )
    return out


def hourly_table(r: DayReport) -> list[list[Any]]:
    """Arrivals per hour: a column for the hall, then one per service."""
    codes = sorted(r.services)
    head = ["时段 Hour", "全部 All", *(f"{r.services[c].name} {c}" for c in codes)]
    body = [
        [f"{h:02d}:00", r.total.arrivals.get(h, 0)]
        + [r.services[c].arrivals.get(h, 0) for c in codes]
        for h in r.hours()
    ]
    return [head, *body]


def followup_table(items: list[Item], names: dict[str, str], today: str) -> list[list[Any]]:
    """Every 差评 of the period and what was done about it."""
    body = []
    for it in items:
        r = it.rating
        notes = "; ".join(f"{a['by']}: {a['note']}" for a in it.actions if a.get("note"))
        body.append(
            [
                r.day,
                r.ticket,
                r.score,
                names.get(r.service, r.service),
                names.get(r.window, r.window),
                r.staff or "",
                names.get(it.department, it.department),
                STATUS_TEXT[it.status],
                it.due,
                "逾期 overdue" if it.overdue(today) else "",
                notes,
            ]
        )
    return [FOLLOWUP_HEADER, *body]


@dataclass
class Document:
    """Everything a report file shows."""

    hall: str
    period: periods.Period
    report: DayReport
    followups: list[list[Any]]  # followup_table rows, header first
    matters: list[list[Any]] = field(default_factory=list)  # matter_table rows, header first

    @property
    def title(self) -> str:
        return f"{self.hall} {self.period.title} {self.period.label}"

    @property
    def bucket_title(self) -> str:
        zh, en = periods.BUCKETS[self.period.kind]
        return f"{zh} {en}"


def names_of(cfg: Any) -> dict[str, str]:
    """Display names of services, windows and departments by id."""
    out = {d.id: d.name for d in cfg.departments}
    out |= {s.code: s.name for s in cfg.services}
    out |= {w.id: w.name for w in cfg.windows}
    return out


def targets_of(cfg: Any) -> Targets:
    return Targets(
        {s.code: s.target_wait_min * 60 for s in cfg.services},
        {s.code: s.department for s in cfg.services},
    )


def named(cfg: Any, r: DayReport) -> DayReport:
    names = names_of(cfg)
    r.total.name = cfg.hall.name
    for group in (r.services, r.windows, r.departments):
        for key, row in group.items():
            row.name = names.get(key, key)
    return r


def compute(cfg: Any, period: periods.Period, store: Path | None = None) -> DayReport:
    """The period's figures from the store (read-only, one snapshot, streamed day by day)."""

    def work(es: Any) -> DayReport:
        days = ((day, day_events(es, day, EVENT_KINDS)) for day in period.days)
        return period_report(
            days, period.label, cfg.hall.timezone, targets_of(cfg), period.bucket()
        )

    r = read_with(store or store_path(cfg), work)
    r.span = opening_span(cfg.layout().hours) if period.kind == "day" else None
    return named(cfg, r)


def document(cfg: Any, period: periods.Period, store: Path | None = None) -> Document:
    from .followup import for_config

    r = compute(cfg, period, store)
    f = for_config(cfg)
    items = f.items(period.days[0], period.days[-1])
    known = {i.rating.key for i in items}
    for bad in r.bad_ratings:  # not yet seen by the board: open, with its default department
        if bad.key not in known:
            items.append(f.fresh(bad))
    items.sort(key=lambda i: i.rating.at)
    today = f.day_of(time.time())
    followups = followup_table(items, names_of(cfg), today)
    matters = matter_table(r, cfg) if r.matters else []
    return Document(cfg.hall.name, period, r, followups, matters)


def build(cfg: Any, period: periods.Period, fmt: str, store: Path | None = None) -> bytes:
    """The report file's bytes; raises HistoryError when the history cannot be read."""
    from . import report_render

    doc = document(cfg, period, store)
    render = {
        "csv": report_render.to_csv,
        "xlsx": report_render.to_xlsx,
        "html": report_render.to_html,
    }[fmt]
    return render(doc)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="hallq report", description="Appraisal reports / 日报、月报、季报、年报"
    )
    p.add_argument("--config", required=True, help="hall.toml")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--day", help="a business day, YYYY-MM-DD")
    when.add_argument("--month", help="a month, YYYY-MM")
    when.add_argument("--quarter", help="a quarter, YYYY-Qn")
    when.add_argument("--year", help="a year, YYYY")
    p.add_argument("--format", choices=sorted(FORMATS), default="html")
    p.add_argument("--ratings", action="store_true", help="the ratings (好差评 fields) instead")
    p.add_argument("--out", help="output file (default: hallq-<period>.<format>)")
    p.add_argument("--store", help="event store (default: the broker device's store)")
    a = p.parse_args(argv)
    kind = next(k for k in ("day", "month", "quarter", "year") if getattr(a, k))
    from hallq.config import load_config

    try:
        period = periods.parse(kind, getattr(a, kind))
        cfg = load_config(a.config)
        store = Path(a.store) if a.store else None
        if a.ratings:
            from .ratings_export import build_ratings

            data = build_ratings(cfg, period, a.format, store)
        else:
            data = build(cfg, period, a.format, store)
    except HallqError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stem = f"hallq-ratings-{period.label}" if a.ratings else f"hallq-{period.label}"
    out = Path(a.out or f"{stem}.{FORMATS[a.format][1]}")
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0
