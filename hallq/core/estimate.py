"""Estimated wait for a new ticket.

Two views of the same line, blended:

- *capacity*: people ahead (plus the one being served, when every window is busy) times the
  mean service time, over the windows' worth of attention the service gets;
- *throughput*: people ahead over the rate at which the service's tickets were actually called
  lately. It sees what the capacity view cannot: secondary windows that do or do not help,
  priority tickets going first, windows that share themselves among many services.

The throughput view needs a few recent calls; before that the capacity view stands alone.
Measured in simulation of the example hall (benchmarks/bench_estimates.py).
"""

from __future__ import annotations

from statistics import fmean
from typing import TYPE_CHECKING

from .model import Tier, WindowStatus

if TYPE_CHECKING:
    from .engine import Engine

SECONDARY_SHARE = 0.5
MIN_CALLS = 4  # recent calls needed before the observed call rate is trusted
RATE_SPAN_S = 3600.0  # calls older than this say nothing about the current rate


def mean_service_s(engine: Engine, service: str) -> float:
    """Mean of recent service durations, or the configured average before any were seen."""
    recent = engine.durations[service]
    if len(recent) >= 3:
        return fmean(recent)
    return engine.layout.services[service].avg_service_min * 60


def primary_lines(engine: Engine) -> dict[str, int]:
    """Per window, how many of its primary services have someone waiting. Computed once per
    state (cached on the engine's version): publishing 35 services after a burst asks for it
    35 times, and a 综合窗口 lists 33 services."""
    cached = engine.derived.get("primary_lines")
    if cached is not None and cached[0] == engine.version:
        return cached[1]  # type: ignore[no-any-return]
    lines = {
        w.id: sum(1 for code, t in w.services.items() if t is Tier.PRIMARY and engine.waiting[code])
        for w in engine.windows.values()
    }
    engine.derived["primary_lines"] = (engine.version, lines)
    return lines


def capacity(engine: Engine, service: str) -> float:
    """Windows' worth of attention the service gets: a window shares itself among the
    primary services that have someone waiting; secondary service counts at half."""
    total = 0.0
    lines = primary_lines(engine)
    own_line = 1 if engine.waiting[service] else 0
    for w in engine.serving[service]:
        tier = w.services.get(service)
        if tier is None or w.status is not WindowStatus.OPEN:
            continue
        busy = lines[w.id] - (own_line if tier is Tier.PRIMARY else 0)  # the others' lines
        share = 1.0 / (1 + busy)
        total += share if tier is Tier.PRIMARY else share * SECONDARY_SHARE
    return total


def capacity_wait(engine: Engine, service: str) -> tuple[int, float | None]:
    """The first estimator: people ahead x mean service / capacity (kept as the baseline)."""
    ahead = len(engine.queued(service))
    cap = capacity(engine, service)
    if cap <= 0:
        return ahead, None
    return ahead, ahead * mean_service_s(engine, service) / cap


def call_rate(engine: Engine, service: str, now: float) -> float | None:
    """Calls per second of the service's tickets over its recent calls, or None if too few."""
    recent = [t for t in engine.call_times[service] if now - t <= RATE_SPAN_S]
    if len(recent) < MIN_CALLS:
        return None
    return len(recent) / max(now - recent[0], 60.0)


def _all_busy(engine: Engine, service: str) -> bool:
    return all(
        w.ticket is not None for w in engine.serving[service] if w.status is WindowStatus.OPEN
    )


def estimate_wait(
    engine: Engine, service: str, now: float | None = None
) -> tuple[int, float | None]:
    """(people ahead of a new normal ticket, estimated wait in seconds or None)."""
    ahead = len(engine.queued(service))
    cap = capacity(engine, service)
    if cap <= 0:
        return ahead, None
    in_line = ahead + (1 if _all_busy(engine, service) else 0)
    by_capacity = in_line * mean_service_s(engine, service) / cap
    rate = None if now is None else call_rate(engine, service, now)
    if rate is None:
        return ahead, by_capacity
    return ahead, (by_capacity + in_line / rate) / 2
