"""The simulator, driving the real engine, against queueing theory.

M/M/c: one service, c identical windows, Poisson arrivals, exponential service; the simulated
mean wait must match Erlang C. A queue per window must match M/M/1. The simulated rates are
compared with the formula at the rates the run actually drew (arrivals counted, service times
averaged), which removes the noise of the draws themselves, not of the queue.

Run length and tolerance: each case simulates one virtual day of 8-16 thousand tickets
(1-3 s here). Over 10 seeds the relative spread (1 sd) of the mean wait at that length was
7% (M/M/4 at 50% load), 10% (80%), 15% (95%: waits are correlated over long stretches and
a run that starts empty reads ~10% low), 4% and 9% (queue per window at 50% and 80%). The
tolerance is 3 sd of that spread (SPREAD below), i.e. a wrong formula or a biased simulator
fails, an unlucky seed does not. With HALLQ_THEORY_LONG=1 each case serves 8x more tickets
and the tolerance shrinks by sqrt(8): 7%, 10%, 16% (docs/simulation.md quotes such a run).
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


# measured 1-sd relative spread of the mean wait over 10 seeds at the default length
SPREAD = {("mmc", 0.5): 0.071, ("mmc", 0.8): 0.096, ("mmc", 0.95): 0.148}
SPREAD |= {("per_window", 0.5): 0.041, ("per_window", 0.8): 0.086}


def tolerance(kind: str, load: float) -> float:
    return 3 * SPREAD[kind, load] / (8**0.5 if LONG else 1)


@pytest.mark.parametrize("load", [0.5, 0.8, 0.95])
def test_mmc_mean_wait_matches_erlang_c(load: float) -> None:
    windows = 4
    day = run(windows, load, SERVICE_S)
    wait, rate, service = observed(day, windows, SERVICE_S)
    theory = mean_wait_s(windows, rate, service)
    print(f"M/M/{windows} load {load}: simulated/Erlang C = {wait / theory:.3f}")
    assert wait == pytest.approx(theory, rel=tolerance("mmc", load)), (wait, theory)


def test_mmc_share_that_waits_matches_erlang_c() -> None:
    windows, load = 4, 0.8
    day = run(windows, load, SERVICE_S)
    waited = [r.wait_s > 0 for r in day.records if r.wait_s is not None]
    _, rate, service = observed(day, windows, SERVICE_S)
    theory = erlang_c(windows, rate / 3600 * service)
    print(f"M/M/{windows} load {load}: P(wait) simulated/Erlang C = {fmean(waited) / theory:.3f}")
    assert fmean(waited) == pytest.approx(theory, rel=0.05), (fmean(waited), theory)


@pytest.mark.parametrize("load", [0.5, 0.8])
def test_queue_per_window_matches_mm1(load: float) -> None:
    windows = 4
    day = run(windows, load, SERVICE_S, per_window=True)
    wait, rate, service = observed(day, windows, SERVICE_S)
    theory = mean_wait_s(1, rate / windows, service)  # M/M/1: rho/(mu - lambda)
    print(f"queue per window, load {load}: simulated/M/M/1 = {wait / theory:.3f}")
    assert wait == pytest.approx(theory, rel=tolerance("per_window", load)), (wait, theory)
    pooled = mean_wait_s(windows, rate, service)
    assert wait > 2 * pooled  # the cost of separate lines, as the issue says
