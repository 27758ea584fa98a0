"""Layouts and loads for checking the simulator against queueing theory (tests, docs)."""

from __future__ import annotations

from hallq.core.model import Layout, OpeningHours, ServiceSpec, Tier, WindowSpec
from sim.load import DayLoad

DAY_S = 24 * 3600


def mmc_layout(windows: int, mean_service_s: float, per_window: bool = False) -> Layout:
    """One service served by ``windows`` identical windows, open around the clock; with
    ``per_window``, one service per window instead (a queue per window)."""
    codes = [f"s{i}" for i in range(windows)] if per_window else ["s0"]
    services = {
        c: ServiceSpec(c, chr(ord("A") + i), c, c, "d", avg_service_min=mean_service_s / 60)
        for i, c in enumerate(codes)
    }
    wins = {
        f"w{i}": WindowSpec(
            f"w{i}", f"w{i}", f"w{i}", "d", {codes[i] if per_window else "s0": Tier.PRIMARY}
        )
        for i in range(windows)
    }
    return Layout("theory", services, wins, hours=OpeningHours(0, 24 * 60), day_start_min=0)


def poisson_load(arrivals_per_day: float) -> DayLoad:
    """Poisson arrivals all day, exponential service, split evenly over department "d"'s
    services (:func:`sim.load.service_weights`)."""
    return DayLoad(
        date="2026-11-30",
        tickets=arrivals_per_day,
        profile={"00:00": 1.0},
        departments={"d": 1.0},
        distribution="exponential",
    )
