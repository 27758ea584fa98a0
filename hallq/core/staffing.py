"""Staffing advice by Erlang C: how many windows each service needs, and what to move now.

Pure functions. :func:`observe` reads today's arrivals and service times from an engine;
:func:`advise` turns them into per-service needs and concrete moves (open a closed window, or
let a window with spare capacity take a short-staffed service as secondary, which the board can
do with the ``set_services`` op). The model is M/M/c per service: Poisson arrivals, the observed
mean service time, mean wait in the queue kept at or under the service's target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import takewhile
from statistics import fmean
from typing import TYPE_CHECKING

from .model import Tier, WindowStatus

if TYPE_CHECKING:
    from .engine import Engine

MAX_WINDOWS = 200


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits (Erlang C), ``offered`` = arrival rate x mean service."""
    if servers <= 0 or offered >= servers:
        return 1.0
    if offered <= 0:
        return 0.0
    b = 1.0
    for k in range(1, servers + 1):
        b = offered * b / (k + offered * b)
    return servers * b / (servers - offered * (1 - b))


def mean_wait_s(servers: int, arrivals_per_h: float, mean_service_s: float) -> float:
    """Mean wait in queue of M/M/c (inf when the windows cannot keep up)."""
    lam = arrivals_per_h / 3600
    offered = lam * mean_service_s
    if servers <= 0 or offered >= servers:
        return math.inf
    return erlang_c(servers, offered) * mean_service_s / (servers - offered)


def windows_needed(
    arrivals_per_h: float, mean_service_s: float, target_wait_s: float, limit: int = MAX_WINDOWS
) -> int | None:
    """Fewest windows whose M/M/c mean wait is within target (0 when nobody comes)."""
    if arrivals_per_h <= 0:
        return 0
    start = max(1, math.floor(arrivals_per_h * mean_service_s / 3600))
    for c in range(start, limit + 1):
        if mean_wait_s(c, arrivals_per_h, mean_service_s) <= target_wait_s:
            return c
    return None


@dataclass(frozen=True, slots=True)
class Load:
    """Observed demand of one service over the recent span."""

    arrivals_per_h: float
    mean_service_s: float


@dataclass(frozen=True, slots=True)
class Need:
    """What one pool needs to keep its mean wait under target. A pool is the services that
    share the same primary windows (in practice a department's counters); windows pool their
    work, so needs are counted per pool, not per service."""

    pool: str  # the department of the pool's services
    services: tuple[str, ...]
    load: Load  # pooled: summed arrivals, arrival-weighted mean service time
    target_wait_s: float  # the tightest target among the pool's services
    windows_serving: float  # open primary windows (one shared by k pools counts 1/k)
    windows_needed: int | None  # None: more than MAX_WINDOWS
    predicted_wait_s: float  # Erlang C with the windows serving now (inf if overloaded)

    @property
    def short(self) -> float:
        needed = MAX_WINDOWS if self.windows_needed is None else self.windows_needed
        return needed - self.windows_serving


@dataclass(frozen=True, slots=True)
class Move:
    """One suggestion: ``action`` is "open" (open this closed window) or "help" (give
    ``window``, which has spare capacity, the pool's ``services`` as secondary, e.g. by the
    ``set_services`` op)."""

    action: str
    window: str
    services: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Advice:
    needs: list[Need]  # most short-staffed first
    moves: list[Move]


def observe(engine: Engine, now: float, span_s: float = 3600.0) -> dict[str, Load]:
    """Arrival rate over the last ``span_s`` (or since the first ticket, if later) and mean of
    recent service durations (the configured average before any were seen), per service."""
    # tickets are kept in issue order: walk back from the newest, stop at the span's start
    newest_first = reversed(engine.tickets.values())
    tickets = list(takewhile(lambda t: now - t.issued_at <= span_s, newest_first))
    first = min((t.issued_at for t in tickets), default=now)
    hours = max(now - first, 600.0) / 3600
    counts: dict[str, int] = {}
    for t in tickets:
        counts[t.service] = counts.get(t.service, 0) + 1
    loads = {}
    for code, spec in engine.layout.services.items():
        recent = engine.durations[code]
        mean_s = fmean(recent) if recent else spec.avg_service_min * 60
        loads[code] = Load(counts.get(code, 0) / hours, mean_s)
    return loads


def pools(engine: Engine) -> dict[frozenset[str], list[str]]:
    """Services grouped by the set of windows that hold them as primary."""
    out: dict[frozenset[str], list[str]] = {}
    for code in engine.layout.services:
        key = frozenset(
            w.id for w in engine.windows.values() if w.services.get(code) is Tier.PRIMARY
        )
        out.setdefault(key, []).append(code)
    return out


def _pooled(loads: dict[str, Load], services: list[str]) -> Load:
    lam = sum(loads[c].arrivals_per_h for c in services)
    if lam <= 0:
        return Load(0.0, fmean(loads[c].mean_service_s for c in services))
    work = sum(loads[c].arrivals_per_h * loads[c].mean_service_s for c in services)
    return Load(lam, work / lam)


def needs(engine: Engine, loads: dict[str, Load]) -> list[Need]:
    groups = pools(engine)
    share = {w: sum(1 for key in groups if w in key) for w in engine.windows}
    out = []
    for key, services in groups.items():
        load = _pooled(loads, services)
        target = min(engine.layout.services[c].target_wait_min for c in services) * 60
        open_ = [w for w in key if engine.windows[w].status is WindowStatus.OPEN]
        have = sum(1 / share[w] for w in open_)
        need = Need(
            engine.layout.services[services[0]].department,
            tuple(services),
            load,
            target,
            have,
            windows_needed(load.arrivals_per_h, load.mean_service_s, target),
            mean_wait_s(math.floor(have + 1e-9), load.arrivals_per_h, load.mean_service_s),
        )
        out.append(need)
    return sorted(out, key=lambda n: -n.short)


def _spare(engine: Engine, found: list[Need]) -> list[str]:
    """Open windows that can leave: each over-staffed pool gives up to its surplus (whole
    windows), and only windows whose every primary service is in an over-staffed pool."""
    surplus = {c for n in found if n.short <= -1 for c in n.services}
    spare: list[str] = []
    for need in (n for n in found if n.short <= -1):
        give = math.floor(-need.short)
        for w in engine.windows.values():
            primaries = [c for c, t in w.services.items() if t is Tier.PRIMARY]
            if (
                give
                and w.id not in spare
                and w.status is WindowStatus.OPEN
                and (need.services[0] in primaries and all(c in surplus for c in primaries))
            ):
                spare.append(w.id)
                give -= 1
    return spare


def advise(engine: Engine, now: float, span_s: float = 3600.0) -> Advice:
    """Per-pool needs (most short-staffed first) and moves that cover the shortfalls."""
    found = needs(engine, observe(engine, now, span_s))
    spare = _spare(engine, found)
    moves: list[Move] = []
    for need in (n for n in found if n.short > 0):
        moves += _cover(engine, need, spare)
    return Advice(found, moves)


def _cover(engine: Engine, need: Need, spare: list[str]) -> list[Move]:
    moves = []
    missing = math.ceil(need.short - 1e-9)
    why = (
        f"{need.load.arrivals_per_h:.0f}/h x {need.load.mean_service_s / 60:.1f} min needs "
        f"{need.windows_needed} windows, {need.windows_serving:.1f} serve it"
    )
    for w in engine.windows.values():
        if missing and w.status is WindowStatus.CLOSED and need.services[0] in w.services:
            moves.append(Move("open", w.id, need.services, why))
            missing -= 1
    while missing and spare:
        moves.append(Move("help", spare.pop(0), need.services, why))
        missing -= 1
    return moves
