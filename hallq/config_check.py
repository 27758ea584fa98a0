"""Cross-section checks of a decoded hall config: duplicates and dangling references."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
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
    problems += _duplicates("rooms", "id", (r.id for r in cfg.rooms))
    problems += [
        f"rooms[{i}].id: {r.id!r} is also a window id (calls name one place)"
        for i, r in enumerate(cfg.rooms)
        if r.id in windows
    ]
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
    problems += _matter_problems(cfg)
    try:
        ZoneInfo(cfg.hall.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"hall.timezone: unknown timezone {cfg.hall.timezone!r}")
    if cfg.hall.opens >= cfg.hall.closes:
        problems.append("hall.closes: must be after hall.opens")
    problems += _calendar_problems(cfg)
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


def _dates(key: str, entries: list[str]) -> tuple[list[str], set[str]]:
    """Problems of date entries ("YYYY-MM-DD" or "start/end") and the dates they name."""
    problems: list[str] = []
    named: set[str] = set()
    for i, entry in enumerate(entries):
        first, _, last = entry.partition("/")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last or first)
        except ValueError:
            problems.append(f"{key}[{i}]: {entry!r} is not a real date")
            continue
        if end < start:
            problems.append(f"{key}[{i}]: {entry!r} ends before it starts")
        elif (end - start).days > 31:
            problems.append(f"{key}[{i}]: {entry!r} is longer than a month (a typo?)")
        else:
            from .config import expand_dates

            named |= expand_dates([entry])
    return problems, named


def _span_problem(key: str, text: str | None) -> list[str]:
    if text is None:
        return []
    start, end = text.split("-")
    return [] if start < end else [f"{key}: {text!r} must end after it starts"]


def _calendar_problems(cfg: HallConfig) -> list[str]:
    cal = cfg.calendar
    problems: list[str] = []
    for day, span in cal.hours.items():
        problems += _span_problem(f"calendar.hours.{day}", span)
        if day not in cfg.hall.weekdays:
            problems.append(f"calendar.hours.{day}: {day} is not in hall.weekdays")
    problems += _span_problem("calendar.lunch", cal.lunch)
    off, holidays = _dates("calendar.holidays", cal.holidays)
    on, makeup = _dates("calendar.makeup_days", cal.makeup_days)
    problems += off + on
    problems += [f"calendar.makeup_days: {d} is also a holiday" for d in sorted(holidays & makeup)]
    codes = {s.code for s in cfg.services}
    for code, h in cal.services.items():
        if code not in codes:
            problems.append(f"calendar.services.{code}: unknown service {code!r}")
        if h.opens >= h.until:
            problems.append(f"calendar.services.{code}.until: must be after opens")
    return problems


def _matter_problems(cfg: HallConfig) -> list[str]:
    """Matters name known services (once per stage); one_window needs a window for all."""
    services = {s.code for s in cfg.services}
    out = _duplicates("matters", "id", (m.id for m in cfg.matters))
    for i, m in enumerate(cfg.matters):
        out += _joint_stage_problems(cfg, i)
        for j, stage in enumerate(m.stages):
            group = list(m.stage_codes()[j])
            base = f"matters[{i}].stages[{j}]"
            for k, code in enumerate(group):
                where = f"{base}[{k}]" if isinstance(stage, list) else base
                if code not in services:
                    out.append(f"{where}: unknown service {code!r}")
                elif code in group[:k]:
                    out.append(f"{where}: service {code!r} twice in one stage")
        every = {code for stage in m.stage_codes() for code in stage}
        if m.mode == "one_window" and not any(
            every <= {*w.primary, *w.secondary} for w in cfg.windows
        ):
            out.append(
                f"matters[{i}].mode: one_window, but no window serves all of {sorted(every)}"
            )
    return out


def _joint_stage_problems(cfg: HallConfig, i: int) -> list[str]:
    """A joint stage names known departments (once) and a room, and is not the first stage
    (a case is opened by a visit) nor in a one_window matter (one sitting, no room)."""
    m = cfg.matters[i]
    departments, rooms = {d.id for d in cfg.departments}, {r.id for r in cfg.rooms}
    out = []
    for j, (room, deps) in m.joint_stages().items():
        base = f"matters[{i}].stages[{j}]"
        if j == 0:
            out.append(f"{base}: a joint stage cannot be the first (the case starts at a window)")
        if m.mode == "one_window":
            out.append(f"{base}: a one_window matter has no joint stage")
        if room not in rooms:
            out.append(f"{base}.room: unknown room {room!r} (see [[rooms]])")
        for k, dep in enumerate(deps):
            if dep not in departments:
                out.append(f"{base}.joint[{k}]: unknown department {dep!r}")
            elif dep in deps[:k]:
                out.append(f"{base}.joint[{k}]: department {dep!r} twice")
    return out
