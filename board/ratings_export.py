"""The ratings of a day (or period) in the fields the national 好差评 platform collects.

One row per rating, columns named as the platform names them (docs/board.md, "好差评 export",
has the mapping and what could not be confirmed). hallq knows the hall, window, staff member,
service, time and the five-level score; it does not know the 办件编号 of the business system,
the national 事项编码, nor who the citizen is (the evaluator is anonymous): those columns are
left empty for whoever uploads the file to fill in from the business system.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .followup import for_config
from .period import Period
from .report import STATUS_TEXT, compute, names_of
from .stats import BAD_SCORES

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
CHANNEL = "现场评价-实体政务服务大厅-窗口评价器"  # 线下 (offline), "一次一评" at the window
HEADER = [
    "评价编号",
    "评价时间",
    "评价渠道",
    "评价设备",
    "评价等级",
    "评价分值",
    "政务服务机构",
    "机构编码",
    "部门",
    "窗口",
    "工作人员",
    "事项编码",
    "事项名称",
    "办件编号",
    "取号号码",
    "评价人",
    "评价内容",
    "差评整改状态",
]


def rating_rows(cfg: Any, period: Period, store: Path | None = None) -> list[list[Any]]:
    """Header, then each rating of the period in time order."""
    r = compute(cfg, period, store)
    names = names_of(cfg)
    window_dept = {w.id: w.department for w in cfg.windows}
    tz = ZoneInfo(cfg.hall.timezone)
    status = {
        i.rating.key: i.status for i in for_config(cfg).items(period.days[0], period.days[-1])
    }
    rows: list[list[Any]] = [HEADER]
    for x in sorted(r.ratings, key=lambda x: x.at):
        follow = ""
        if x.score in BAD_SCORES:
            follow = STATUS_TEXT[status[x.key]] if x.key in status else STATUS_TEXT["open"]
        rows.append(
            [
                f"{cfg.hall.id}-{x.day}-{x.ticket}",
                datetime.fromtimestamp(x.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
                CHANNEL,
                x.source,
                LEVELS[x.score],
                x.score,
                cfg.hall.name,
                cfg.hall.id,
                names.get(window_dept.get(x.window, ""), ""),
                names.get(x.window, x.window),
                x.staff or "",
                x.service,
                names.get(x.service, x.service),
                "",  # 办件编号: the business system's case number, not known to hallq
                x.ticket,
                "匿名",  # the evaluator collects no identity
                "",  # 评价内容: five buttons, no text
                follow,
            ]
        )
    return rows


def build_ratings(cfg: Any, period: Period, fmt: str, store: Path | None = None) -> bytes:
    """The ratings file: csv (UTF-8 with BOM), xlsx or an html table."""
    from .report_render import csv_rows, html_page, xlsx_sheets

    rows = rating_rows(cfg, period, store)
    if fmt == "xlsx":
        return xlsx_sheets([("好差评 Ratings", rows)])
    if fmt == "html":
        return html_page(f"{cfg.hall.name} 评价数据 Ratings {period.label}", [("", rows)])
    return csv_rows(rows)
