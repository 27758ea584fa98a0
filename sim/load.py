"""``load.toml``: the demand of a simulated day, decoded into typed, validated objects.

Departments get a share of the day's tickets (split evenly over their services unless a service
has its own weight); an hourly profile shapes arrivals through the day; priority classes take a
share of tickets; no-shows, transfers and staggered lunch breaks make the day realistic.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from hallq.core.model import Layout

HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Weight = Annotated[float, msgspec.Meta(ge=0)]


class LoadError(ValueError):
    """The load file is unreadable or does not fit the hall."""


class Lunch(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Staggered lunch: half the windows of each department pause at ``start``, the other half
    when the first half is back; each pause lasts ``minutes``."""

    start: HHMM = "12:00"
    minutes: Annotated[int, msgspec.Meta(ge=0, le=180)] = 45


class DayLoad(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    date: str  # first simulated day, YYYY-MM-DD (an opening day of the hall)
    tickets: Annotated[float, msgspec.Meta(gt=0)]  # expected tickets per day
    stop_issuing: HHMM | None = None  # kiosks stop before closing; default: at closing
    profile: dict[HHMM, Weight]  # relative arrival rate from each time until the next
    departments: dict[str, Weight]
    services: dict[str, Weight] = msgspec.field(default_factory=dict)  # per-service multiplier
    priority: dict[str, Share] = msgspec.field(default_factory=dict)  # class -> share of tickets
    distribution: Literal["lognormal", "exponential"] = "lognormal"
    service_cv: Annotated[float, msgspec.Meta(gt=0, le=3)] = 0.7
    no_show: Share = 0.0
    recall_s: Annotated[float, msgspec.Meta(ge=0)] = 60.0
    transfer: Share = 0.0
    lunch: Lunch | None = None
    # matter id -> share of the day's arrivals that come for that matter (一件事), one ticket
    # carried through its stages; the rest take one service as before
    matters: dict[str, Share] = msgspec.field(default_factory=dict)

    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


def minute_of(hhmm: str) -> int:
    """Minutes after local midnight of an ``HHMM`` field ("08:30" -> 510)."""
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def load_load(path: str | Path, layout: Layout) -> DayLoad:
    """Read and check a load file against the hall; raise LoadError naming the problem."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        load = msgspec.convert(raw, DayLoad)
    except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise LoadError(f"{path}: {exc}") from exc
    problems = check(load, layout)
    if problems:
        raise LoadError(f"{path}: " + "; ".join(problems))
    return load


def check(load: DayLoad, layout: Layout) -> list[str]:
    depts = {s.department for s in layout.services.values()}
    problems = [
        f"departments: no department {d!r} in the hall" for d in load.departments if d not in depts
    ]
    problems += [f"services: no service {c!r}" for c in load.services if c not in layout.services]
    problems += [
        f"priority: no class {p!r}" for p in load.priority if p not in layout.priority_classes
    ]
    problems += [f"matters: no matter {m!r}" for m in load.matters if m not in layout.matters]
    if sum(load.matters.values()) > 1:
        problems.append("matters: shares add up to more than 1")
    if sum(load.priority.values()) > 1:
        problems.append("priority: shares add up to more than 1")
    try:
        load.start_date()
    except ValueError:
        problems.append(f"date: {load.date!r} is not YYYY-MM-DD")
    if not load.profile or not any(load.profile.values()):
        problems.append("profile: needs at least one positive rate")
    return problems


def service_weights(load: DayLoad, layout: Layout) -> dict[str, float]:
    """Each service's share of the day's tickets (sums to 1)."""
    by_dept: dict[str, list[str]] = {}
    for code, spec in layout.services.items():
        by_dept.setdefault(spec.department, []).append(code)
    raw: dict[str, float] = {}
    for dept, weight in load.departments.items():
        codes = by_dept[dept]
        for code in codes:
            raw[code] = weight / len(codes) * load.services.get(code, 1.0)
    total = sum(raw.values())
    if total <= 0:
        raise LoadError("departments: all weights are zero")
    return {code: w / total for code, w in raw.items() if w > 0}
