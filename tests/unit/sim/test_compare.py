"""Multi-seed policy comparison (sim/compare.py) and the work bound (sim/bound.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hallq.config import load_config
from hallq.core.model import Layout
from sim.bound import Srpt, by_department, work_bound_days
from sim.compare import DayWaits, Pooled, below_bound, margins, pool
from sim.load import DayLoad
from sim.shapes import township

EXAMPLE = Path(__file__).parents[3] / "examples" / "hall.toml"


def township_hall() -> tuple[Layout, DayLoad]:
    return township(load_config(EXAMPLE).layout())


def test_pool_takes_mean_and_p95_over_all_tickets_and_longest_per_day() -> None:
    seed1 = [DayWaits((60.0, 120.0), 120.0), DayWaits((600.0,), 300.0)]
    seed2 = [DayWaits((0.0, 0.0, 60.0), 60.0)]
    p = pool("r", [seed1, seed2])
    assert (p.days, p.tickets) == (3, 6)
    assert p.mean == pytest.approx(840 / 6)
    assert p.longest_normal == pytest.approx(160.0)  # (120 + 300 + 60) / 3 days
    assert p.worst_normal == 300.0
    assert p.seed_means == pytest.approx((260.0, 20.0))


def test_a_day_without_normal_tickets_is_left_out_of_the_longest_wait() -> None:
    p = pool("r", [[DayWaits((10.0,), math.nan), DayWaits((20.0,), 20.0)]])
    assert p.longest_normal == 20.0


def row(label: str, mean: float, p95: float, longest: float) -> Pooled:
    return Pooled(label, 1, 1, mean, p95, longest, longest, (mean,))


def test_margins_compare_with_the_best_other_rule_on_each_figure() -> None:
    rows = [
        row("department_fifo", 1.0, 1.0, 1.0),  # skipped: the baseline
        row("new", 9.0, 33.0, 60.0),
        row("a", 10.0, 30.0, 50.0),
        row("b", 9.5, 40.0, 54.0),
    ]
    got = {m.figure: m for m in margins(rows, "new", skip=("department_fifo",))}
    assert (got["mean"].versus, got["mean"].ok) == ("b", True)
    assert got["p95"].ratio == pytest.approx(1.1) and got["p95"].ok  # exactly 10 %: allowed
    assert (got["longest_normal"].versus, got["longest_normal"].ok) == ("a", False)


def test_below_bound_names_every_rule_and_seed_under_the_floor() -> None:
    floor = Pooled("floor", 2, 2, 5.0, 0, 0, 0, (4.0, 6.0))
    rules = [
        Pooled("r", 2, 2, 5.0, 0, 0, 0, (4.0, 7.0)),
        Pooled("s", 2, 2, 5.0, 0, 0, 0, (3.0, 5.9)),
    ]
    assert below_bound(floor, rules) == [("s", 0), ("s", 1)]


def test_srpt_serves_the_shortest_remaining_work_first() -> None:
    one = Srpt(1, 1).run([(0.0, 10.0), (0.0, 2.0)])
    assert one.time_in_system == 14.0  # the 2 s job at 2, the 10 s job at 12
    assert one.excess == 2.0  # two in system for 2 s with one window
    two = Srpt(2, 2).run([(0.0, 10.0), (1.0, 2.0)])
    assert two.time_in_system == 7.0  # 10 -> 8 by t=1; 2 s at speed 2 done at 2; 8 at 6


def fcfs(jobs: list[tuple[float, float]], k: int) -> tuple[float, float]:
    """Time in system and sum of waits of k windows taking jobs in arrival order."""
    free = [0.0] * k
    total = waited = 0.0
    for arrival, work in sorted(jobs):
        i = min(range(k), key=free.__getitem__)
        start = max(arrival, free[i])
        free[i] = start + work
        total += free[i] - arrival
        waited += start - arrival
    return total, waited


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1000), st.floats(0.1, 300)), min_size=1, max_size=30),
    st.integers(1, 4),
)
def test_the_fast_srpt_server_never_does_worse_than_k_windows(
    jobs: list[tuple[float, float]], k: int
) -> None:
    """What the bound rests on: k windows in any order (here FCFS) have at least the fast
    SRPT server's time in system, and their waits at least its excess over k in system."""
    fast = Srpt(k, k).run(jobs)
    total, waited = fcfs(jobs, k)
    assert fast.time_in_system <= total + 1e-6
    assert fast.excess <= waited + 1e-6
    assert fast.time_in_system - sum(w for _, w in jobs) <= waited + 1e-6


def test_the_work_bound_of_a_hall_is_a_floor_under_its_simulated_waits() -> None:
    from sim.runner import simulate
    from sim.stats import all_records, wait_stats

    layout, load = township_hall()
    floors = work_bound_days(layout, load, days=2, seed=3)
    measured = wait_stats("default", all_records(simulate(layout, load, days=2, seed=3)))
    assert len(floors) == 2
    assert all(0 <= f < measured.mean for f in floors)


def test_department_groups_count_every_window_that_holds_one_of_their_services() -> None:
    layout, _ = township_hall()
    groups = {min(codes)[:2]: windows for windows, codes in by_department(layout)}
    assert groups == {"rs": 4, "hz": 3, "bd": 3, "mz": 2, "ny": 2}
