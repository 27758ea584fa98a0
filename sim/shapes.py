"""Hall shapes for comparing policies beyond the example hall (benchmarks/bench_policies.py).

- ``township``: a small township hall (乡镇便民服务中心) of 6 windows: two social-security
  windows, one household registration, one real estate, and two 综合窗口 that take civil
  affairs and agriculture as primary and the three busy departments as secondary.
- ``general_everything``: the example hall, but its 综合窗口 serve every service as primary.
"""

from __future__ import annotations

from dataclasses import replace

from hallq.core.model import Layout, ServiceSpec, Tier, WindowSpec

from .load import DayLoad, Lunch

GENERAL = "zh"  # the department id of the 综合窗口 (examples/make_hall.py)

TOWNSHIP_SERVICES = {  # dept: [(name, mean service min, target wait min)]
    "rs": [("社保参保", 6, 20), ("医保报销", 10, 25), ("养老认证", 4, 15), ("社保卡", 5, 15)],
    "hz": [("户口迁移", 8, 20), ("居民身份证", 6, 15), ("户籍证明", 5, 15)],
    "bdc": [("不动产登记", 18, 30), ("抵押登记", 12, 30)],
    "mz": [("低保救助", 10, 20), ("婚姻登记", 12, 20), ("残疾人补贴", 8, 20)],
    "ny": [("农业补贴", 8, 20), ("宅基地审批", 15, 30)],
}
TOWNSHIP_WINDOWS = [
    ("rs", "rs"),
    ("rs", "rs"),
    ("hz", "hz"),
    ("bdc", "bdc"),
    ("zh", ""),
    ("zh", ""),
]


def township(like: Layout) -> tuple[Layout, DayLoad]:
    """The 6-window township hall and a busy day there (~240 citizens), with ``like``'s hours,
    timezone and priority classes."""
    services: dict[str, ServiceSpec] = {}
    for k, (dept, items) in enumerate(TOWNSHIP_SERVICES.items()):
        for i, (name, avg, target) in enumerate(items, 1):
            code = f"{dept}{i:02d}"
            services[code] = ServiceSpec(code, "ABCDE"[k], name, name, dept, target, avg)
    general = {c: Tier.PRIMARY for c, s in services.items() if s.department in ("mz", "ny")}
    general |= {c: Tier.SECONDARY for c in services if c not in general}
    windows = {}
    for n, (dept, own) in enumerate(TOWNSHIP_WINDOWS, 1):
        mine = {c: Tier.PRIMARY for c, s in services.items() if s.department == own}
        windows[f"t{n}"] = WindowSpec(f"t{n}", f"{n}号窗口", f"Window {n}", dept, mine or general)
    layout = replace(like, hall_id="township", services=services, windows=windows)
    load = DayLoad(
        date="2026-11-30",
        tickets=240,
        stop_issuing="17:00",
        profile={"08:30": 1.8, "10:30": 1.2, "11:30": 0.6, "13:30": 1.4, "15:30": 0.8},
        departments={"rs": 35, "hz": 25, "bdc": 12, "mz": 18, "ny": 10},
        priority={"elderly": 0.1, "disabled": 0.02},
        service_cv=0.7,
        no_show=0.05,
        transfer=0.02,
        lunch=Lunch(start="12:00", minutes=45),
    )
    return layout, load


def general_everything(layout: Layout) -> Layout:
    """``layout`` with its 综合窗口 serving every service as primary."""
    every = dict.fromkeys(layout.services, Tier.PRIMARY)
    windows = {
        wid: replace(w, services=dict(every)) if w.department == GENERAL else w
        for wid, w in layout.windows.items()
    }
    return replace(layout, windows=windows)
