"""``hallq report --config hall.toml --day YYYY-MM-DD [--format html|csv|xlsx] [--out FILE]``.

The figures come from the broker's event history (board/stats.py); this module turns them
into rows and files. CSV is UTF-8 with a BOM so Excel shows the Chinese; HTML embeds its
charts as PNG images; xlsx has a summary sheet and an hourly sheet.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from hallq.core.model import OpeningHours
from hallq.core.percentile import percentile
from hallq.errors import HallqError

from .history import read_events, store_path
from .stats import DayReport, Row, day_report

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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
    "等候中位 Wait p50 (min)",
    "等候P90 Wait p90 (min)",
    "最长等候 Wait max (min)",
    "平均办理 Service (min)",
    "过号 No-shows",
    "过号率 No-show rate",
    "转办 Transfers",
    "非常满意 5",
    "满意 4",
    "基本满意 3",
    "不满意 2",
    "非常不满意 1",
    "评价数 Ratings",
    "好评率 Satisfaction",
]
KINDS = {
    "total": "全厅 Hall",
    "service": "事项 Service",
    "window": "窗口 Window",
    "staff": "人员 Staff",
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
        minutes(row.wait_p50),
        minutes(row.wait_p90),
        minutes(row.wait_max),
        minutes(row.service_mean),
        row.no_shows,
        ratio(row.no_show_rate),
        row.transfers,
        *reversed(row.ratings),
        row.rated,
        ratio(row.satisfaction),
    ]


def table(r: DayReport) -> list[list[Any]]:
    """The summary table: the hall, then each service, window and staff member."""
    rows = [row_cells("total", r.total)]
    for kind, group in (("service", r.services), ("window", r.windows), ("staff", r.staff)):
        rows += [row_cells(kind, group[k]) for k in sorted(group)]
    return rows


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


def named_report(cfg: Any, events: list[Any], day: str) -> DayReport:
    r = day_report(events, day, cfg.hall.timezone)
    r.total.name = cfg.hall.name
    r.span = opening_span(
        cfg.layout().hours
    )  # charts show the whole opening day, the peak in context
    for code, row in r.services.items():
        row.name = next((s.name for s in cfg.services if s.code == code), code)
    for wid, row in r.windows.items():
        row.name = next((w.name for w in cfg.windows if w.id == wid), wid)
    return r


def build(cfg: Any, day: str, fmt: str, store: Path | None = None) -> bytes:
    """The report file's bytes; raises HistoryError when the history cannot be read."""
    from . import report_render

    r = named_report(cfg, read_events(store or store_path(cfg), day), day)
    render = {
        "csv": report_render.to_csv,
        "xlsx": report_render.to_xlsx,
        "html": report_render.to_html,
    }[fmt]
    return render(r, cfg.hall.name)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="hallq report", description="A day's report / 日报")
    p.add_argument("--config", required=True, help="hall.toml")
    p.add_argument("--day", required=True, help="business day, YYYY-MM-DD")
    p.add_argument("--format", choices=sorted(FORMATS), default="html")
    p.add_argument("--out", help="output file (default: hallq-<day>.<format>)")
    p.add_argument("--store", help="event store (default: the broker device's store)")
    a = p.parse_args(argv)
    if not DAY.match(a.day):
        p.error("--day must be YYYY-MM-DD")
    from hallq.config import load_config

    try:
        cfg = load_config(a.config)
        data = build(cfg, a.day, a.format, Path(a.store) if a.store else None)
    except HallqError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(a.out or f"hallq-{a.day}.{FORMATS[a.format][1]}")
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0
