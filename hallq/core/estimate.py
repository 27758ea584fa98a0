"""Estimated wait for a new ticket: people ahead over the capacity serving them."""

from __future__ import annotations

from statistics import fmean
from typing import TYPE_CHECKING

from .model import Tier, WindowStatus

if TYPE_CHECKING:
    from .engine import Engine

SECONDARY_SHARE = 0.5


def mean_service_s(engine: Engine, service: str) -> float:
    """Mean of recent service durations, or the configured average before any were seen."""
    recent = engine.durations[service]
    if len(recent) >= 3:
        return fmean(recent)
    return engine.layout.services[service].avg_service_min * 60


def capacity(engine: Engine, service: str) -> float:
    """Windows' worth of attention the service gets: a window shares itself among the
    primary services that have someone waiting; secondary service counts at half."""
    total = 0.0
    for w in engine.windows.values():
        tier = w.services.get(service)
        if tier is None or w.status is not WindowStatus.OPEN:
            continue
        busy = sum(
            1
            for code, t in w.services.items()
            if t is Tier.PRIMARY and code != service and engine.waiting[code]
        )
        share = 1.0 / (1 + busy)
        total += share if tier is Tier.PRIMARY else share * SECONDARY_SHARE
    return total


def estimate_wait(engine: Engine, service: str) -> tuple[int, float | None]:
    ahead = len(engine.queued(service))
    cap = capacity(engine, service)
    if cap <= 0:
        return ahead, None
    return ahead, ahead * mean_service_s(engine, service) / cap
