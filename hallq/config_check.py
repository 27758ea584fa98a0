"""Cross-section checks of a decoded hall config: duplicates and dangling references."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from .config import HallConfig


def _duplicates(section: str, key: str, values: Iterable[str]) -> list[str]:
    values = list(values)
    dup = {v for v, n in Counter(values).items() if n > 1}
    return [f"{section}[{i}].{key}: duplicate {v!r}" for i, v in enumerate(values) if v in dup]


def _refs(section: str, key: str, values: Iterable[str | None], known: set[str], what: str):
    return [
        f"{section}[{i}].{key}: unknown {what} {v!r}"
        for i, v in enumerate(values)
        if v is not None and v not in known
    ]


def cross_check(cfg: HallConfig) -> list[str]:
    depts = {d.id for d in cfg.departments}
    services = {s.code for s in cfg.services}
    windows = {w.id for w in cfg.windows}
    devices = {d.id: d for d in cfg.devices}
    problems = _duplicates("departments", "id", (d.id for d in cfg.departments))
    problems += _duplicates("services", "code", (s.code for s in cfg.services))
    problems += _duplicates("windows", "id", (w.id for w in cfg.windows))
    problems += _duplicates("priority_classes", "id", (p.id for p in cfg.priority_classes))
    problems += _duplicates("devices", "id", (d.id for d in cfg.devices))
    problems += _refs(
        "services", "department", (s.department for s in cfg.services), depts, "department"
    )
    problems += _refs(
        "windows", "department", (w.department for w in cfg.windows), depts, "department"
    )
    for i, w in enumerate(cfg.windows):
        for tier in ("primary", "secondary"):
            codes = getattr(w, tier)
            problems += [
                f"windows[{i}].{tier}[{j}]: unknown service {c!r}"
                for j, c in enumerate(codes)
                if c not in services
            ]
        both = set(w.primary) & set(w.secondary)
        if both:
            problems.append(f"windows[{i}]: {sorted(both)} both primary and secondary")
    for i, d in enumerate(cfg.devices):
        window = getattr(d, "window", None)
        if window is not None and window not in windows:
            problems.append(f"devices[{i}].window: unknown window {window!r}")
        ev = getattr(d, "evaluator", None)
        if ev is not None and getattr(devices.get(ev), "role", None) != "evaluator":
            problems.append(f"devices[{i}].evaluator: {ev!r} is not an evaluator device")
        for j, dep in enumerate(getattr(d, "departments", [])):
            if dep not in depts:
                problems.append(f"devices[{i}].departments[{j}]: unknown department {dep!r}")
        if (getattr(d, "tls_cert_file", None) is None) != (
            getattr(d, "tls_key_file", None) is None
        ):
            problems.append(f"devices[{i}]: tls_cert_file and tls_key_file go together")
    served = {c for w in cfg.windows for c in (*w.primary, *w.secondary)}
    problems += [
        f"services[{i}].code: {s.code!r} is served by no window"
        for i, s in enumerate(cfg.services)
        if s.code not in served
    ]
    problems += _prefix_problems(cfg)
    try:
        ZoneInfo(cfg.hall.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"hall.timezone: unknown timezone {cfg.hall.timezone!r}")
    if cfg.hall.opens >= cfg.hall.closes:
        problems.append("hall.closes: must be after hall.opens")
    if not any(d.role == "broker" for d in cfg.devices):
        problems.append("devices: no device with role 'broker' (the hallq service's own id)")
    return problems


def _prefix_problems(cfg: HallConfig) -> list[str]:
    out = []
    for i, s in enumerate(cfg.services):
        if s.prefix is None and not s.code.isalpha():
            out.append(f"services[{i}].prefix: needed, code {s.code!r} is not 1-3 letters")
        elif s.prefix is None and len(s.code) > 3:
            out.append(f"services[{i}].prefix: needed, code {s.code!r} is longer than 3 letters")
    return out
