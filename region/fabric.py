"""A whole region on one machine: generated small hall configs bridged to one region Mosquitto
(``hallq demo --region``, tests, benchmarks/bench_region.py).

:func:`write_region` writes ``region.toml`` and one ``<hall>/hall.toml`` per hall under a
folder; :class:`MosquittoProcess` runs a Mosquitto on a config file. Hall ``county`` is the
county centre, ``t01``..``tNN`` the townships. A hall's Mosquitto may listen on another
address (a network namespace's) via ``hall_hosts``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomli_w

from hallq.config import HallConfig, load_config
from hallq.localnet import free_port

from .config import RegionConfig, load_region
from .mosquitto import write_region_config

WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
COUNTY_SERVICES = [
    ("rs01", "A", "社保参保登记", "Social insurance", "rs"),
    ("bdc01", "B", "不动产转移登记", "Property transfer", "bdc"),
    ("gs01", "C", "企业开办", "Business registration", "gs"),
]
TOWN_SERVICES = COUNTY_SERVICES[:1] + [("mz01", "M", "民政救助", "Social assistance", "mz")]
DEPARTMENTS = {"rs": "人社局", "bdc": "不动产登记中心", "gs": "市场监管局", "mz": "民政办"}


def hall_ids(townships: int) -> list[str]:
    return ["county", *(f"t{i:02d}" for i in range(1, townships + 1))]


def _hall_raw(hall: str, no: int, region: dict[str, Any], port: int, host: str) -> dict[str, Any]:
    county = hall == "county"
    services = COUNTY_SERVICES if county else TOWN_SERVICES
    name = "县政务服务中心" if county else f"{no}号乡镇便民服务中心"
    deps = sorted({s[4] for s in services})
    windows = [
        {"id": f"w{i}", "name": f"{i}号窗口", "department": s[4], "primary": [s[0]]}
        for i, s in enumerate(services, 1)
    ]
    devices: list[dict[str, Any]] = [
        {"id": "hallq", "role": "broker", "store": "hallq.db"},
        {"id": "kiosk1", "role": "kiosk", "printer": {"type": "dummy"}},
        *(
            {"id": f"counter{i}", "role": "counter", "window": f"w{i}", "evaluator": f"eval{i}"}
            for i in range(1, len(windows) + 1)
        ),
        *(
            {"id": f"eval{i}", "role": "evaluator", "window": f"w{i}"}
            for i in range(1, len(windows) + 1)
        ),
        {"id": "board", "role": "board", "users_file": "board-users.json"},
        {"id": "display1", "role": "display"},
    ]
    return {
        "hall": {
            "id": hall,
            "name": name,
            "name_en": "County centre" if county else f"Township {no}",
            **{"opens": "00:00", "closes": "24:00", "weekdays": WEEK},
        },
        "departments": [{"id": d, "name": DEPARTMENTS[d]} for d in deps],
        "services": [
            {"code": c, "prefix": p, "name": n, "name_en": e, "department": d}
            for c, p, n, e, d in services
        ],
        "windows": windows,
        "priority_classes": [
            {"id": "elderly", "name": "老年人"},
            {"id": "appointment", "name": "预约办理", "policy": "boost", "boost_min": 15},
        ],
        "devices": devices,
        "mqtt": {"host": host, "port": port, "credentials_dir": "mosquitto/credentials"},
        "region": {**region, "hall_no": no},
    }


def write_region(
    root: str | Path,
    townships: int = 3,
    *,
    region_host: str = "127.0.0.1",
    hall_hosts: dict[str, str] | None = None,
    slot_times: Sequence[str] = ("09:00", "10:00", "14:00", "15:00"),
    keepalive_s: int | None = None,
) -> tuple[RegionConfig, list[HallConfig]]:
    """Write a region of the county centre and ``townships`` townships under ``root``; the
    region's Mosquitto config is written too (credentials and keys the halls point at)."""
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    ids = hall_ids(townships)
    region_port = free_port()
    raw = {
        "region": {"id": "region", "name": "某某县政务服务管理中心", "name_en": "County"},
        "mqtt": {"host": region_host, "port": region_port},
        "board": {"port": free_port()},
        "halls": [
            {
                "id": h,
                "name": "县政务服务中心" if h == "county" else f"{n}号乡镇便民服务中心",
                "level": "county" if h == "county" else "township",
                "hall_no": n,
            }
            for n, h in enumerate(ids)
        ],
        "managers": [
            {"user": "county", "halls": ["*"]},
            *({"user": f"mgr-{h}", "halls": [h]} for h in ids[1:]),
        ],
        "slots": [
            {
                "hall": "county",
                "service": c,
                "service_name": n,
                "times": list(slot_times),
                "capacity": 2,
                "weekdays": WEEK,
            }
            for c, _p, n, _e, _d in COUNTY_SERVICES[:2]
        ],
    }
    (root / "region.toml").write_text(tomli_w.dumps(raw), encoding="utf-8")
    region = load_region(root / "region.toml")
    run_as = "root" if os.geteuid() == 0 else None  # as root, Mosquitto would drop to its user
    write_region_config(region, root / "mosquitto", bind=region_host, run_as=run_as)
    halls = []
    for n, h in enumerate(ids):
        host = (hall_hosts or {}).get(h, "127.0.0.1")
        link = {
            "id": "region",
            "host": region_host,
            "port": region_port,
            "password_file": str(root / "mosquitto" / "credentials" / h),
            "booking_key_file": str(root / "keys" / f"{h}.key"),
            **({"keepalive_s": keepalive_s} if keepalive_s else {}),
        }
        folder = root / h
        folder.mkdir(exist_ok=True)
        text = tomli_w.dumps(_hall_raw(h, n, link, free_port(), host))
        (folder / "hall.toml").write_text(text, encoding="utf-8")
        halls.append(load_config(folder / "hall.toml"))
    return region, halls
