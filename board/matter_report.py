"""The per-matter (一件事) table of the day/month/quarter/year reports (figures:
board/matter_stats.py): each matter as a whole, then each stage, then each department."""

from __future__ import annotations

from typing import Any

from .stats import DayReport


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


MATTER_HEADER = [
    "一件事 Matter",
    "步骤 Stage",
    "事项 Service",
    "部门 Department",
    "件数 Cases",
    "办结 Completed",
    "全程平均 End-to-end mean (min)",
    "全程P90 End-to-end p90 (min)",
    "平均等候 Wait mean (min)",
    "平均办理 Service mean (min)",
    "等候次数 Waits",
    "办理次数 Served",
]


def matter_table(r: DayReport, cfg: Any) -> list[list[Any]]:
    """Per matter (一件事): the whole matter, then each stage, then each department."""
    names = {d.id: d.name for d in cfg.departments} | {s.code: s.name for s in cfg.services}
    matters = {m.id: m.name for m in cfg.matters}
    dept_of = {s.code: s.department for s in cfg.services}
    rows: list[list[Any]] = [MATTER_HEADER]
    for mid in sorted(r.matters):
        m = r.matters[mid]
        every = (
            [x for s in m.stages.values() for x in s.waits],
            [x for s in m.stages.values() for x in s.serves],
        )
        name = matters.get(mid, mid)
        rows.append(
            [name, "全程 All", "", "", m.cases, m.completed]
            + [minutes(m.end_to_end_mean), minutes(m.end_to_end_p90)]
            + [minutes(_mean(every[0])), minutes(_mean(every[1])), len(every[0]), len(every[1])]
        )
        for (stage, code), s in sorted(m.stages.items()):
            dep = dept_of.get(code, "")
            rows.append(
                _spans_row(name, f"{stage + 1}", names.get(code, code), names.get(dep, dep), s)
            )
        for dep, s in sorted(m.departments.items()):
            rows.append(_spans_row(name, "部门合计 Dept", "", names.get(dep, dep), s))
    return rows


def _spans_row(matter: str, stage: str, service: str, dep: str, s: Any) -> list[Any]:
    waits = [matter, stage, service, dep, None, None, None, None]
    return waits + [minutes(s.wait_mean), minutes(s.serve_mean), len(s.waits), len(s.serves)]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
