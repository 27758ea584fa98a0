"""The simulator, driving the real engine, against queueing theory.

M/M/c: one service, c identical windows, Poisson arrivals, exponential service; the simulated
mean wait must match Erlang C. A queue per window must match M/M/1. The simulated rates are
compared with the formula at the rates the run actually drew (arrivals counted, service times
averaged), which removes the noise of the draws themselves, not of the queue.

Run length and tolerance: each case simulates one virtual day of 15-25 thousand tickets
(~3 s here). Over 10 seeds the relative spread (1 sd) of the mean wait at that length is
about 5-12% (highest at 95% load, where waits are long-range correlated), so the tolerance is
3 sd: 15% up to 80% load, 30% at 95%. With HALLQ_THEORY_LONG=1 each case runs 8x longer
and the tolerance tightens by sqrt(8) (docs/simulation.md quotes the long figures).
"""

from __future__ import annotations

import os
from statistics import fmean

import pytest

from hallq.core.staffing import erlang_c, mean_wait_s
from sim.day import DayResult
from sim.runner import simulate
from sim.theory import DAY_S, mmc_layout, poisson_load

LONG = os.environ.get("HALLQ_THEORY_LONG") == "1"
SCALE = 8 if LONG else 1
SERVICE_S = 20.0


def run(windows: int, load: float, service_s: float, per_window: bool = False) -> DayResult:
    """One virtual day at ``load`` (utilisation); LONG mode serves 8x faster, 8x more tickets."""
    service_s /= SCALE
    per_day = load * windows / service_s * DAY_S
    return simulate(mmc_layout(windows, service_s, per_window), poisson_load(per_day), seed=7)[0]


def observed(day: DayResult, windows: int, service_s: float) -> tuple[float, float, float]:
    """(mean wait, arrivals per hour, mean service s) of the run, warm-up (first 5%) dropped."""
    start = day.open_at + 0.05 * DAY_S
    waits = [r.wait_s for r in day.records if r.wait_s is not None and r.issued_at >= start]
    rate = len(day.records) / (DAY_S / 3600)
    busy = sum(w.busy_s for w in day.windows.values())
    return fmean(waits), rate, busy / len(day.records)


def tolerance(load: float) -> float:
    base = 0.30 if load > 0.9 else 0.15
    return base / (8**0.5) if LONG else base


@pytest.mark.parametrize("load", [0.5, 0.8, 0.95])
def test_mmc_mean_wait_matches_erlang_c(load: float) -> None:
    windows = 4
    day = run(windows, load, SERVICE_S)
    wait, rate, service = observed(day, windows, SERVICE_S)
    theory = mean_wait_s(windows, rate, service)
    assert wait == pytest.approx(theory, rel=tolerance(load)), (wait, theory)


def test_mmc_share_that_waits_matches_erlang_c() -> None:
    windows, load = 4, 0.8
    day = run(windows, load, SERVICE_S)
    waited = [r.wait_s > 0 for r in day.records if r.wait_s is not None]
    _, rate, service = observed(day, windows, SERVICE_S)
    theory = erlang_c(windows, rate / 3600 * service)
    assert fmean(waited) == pytest.approx(theory, rel=0.05), (fmean(waited), theory)


@pytest.mark.parametrize("load", [0.5, 0.8])
def test_queue_per_window_matches_mm1(load: float) -> None:
    windows = 4
    day = run(windows, load, SERVICE_S, per_window=True)
    wait, rate, service = observed(day, windows, SERVICE_S)
    theory = mean_wait_s(1, rate / windows, service)  # M/M/1: rho/(mu - lambda)
    assert wait == pytest.approx(theory, rel=tolerance(load)), (wait, theory)
    pooled = mean_wait_s(windows, rate, service)
    assert wait > 2 * pooled  # the cost of separate lines, as the issue says
