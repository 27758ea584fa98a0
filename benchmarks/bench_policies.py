"""Policy comparison: how long citizens wait under each call-next policy, on three halls,
pooled over several seeds (sim/compare.py says how).

    python benchmarks/bench_policies.py [--seeds N] [--days D] [--jobs J]
                                        [--hall example|township|general] [--policy NAME]

Halls: the example hall (examples/hall.toml + load.toml); a township hall of 6 windows and a
hall whose 综合窗口 serve everything (sim/shapes.py). Every policy sees the same simulated
arrivals for a seed. The baseline is the per-department FIFO hall (no balancing); the
literature rules are fcfs_alis, gcmu and maxweight (hallq/core/policies.py). Floors: the FCFS
pooled line per connected component of the window-service graph (simulated; a reference for
FCFS-like rules), the work bound that holds for every rule (sim/bound.py), and Erlang C of
one pooled line, stationary hour by hour. Runs go to ``--jobs`` processes (default: all CPUs).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hallq.config import load_config  # noqa: E402
from hallq.core.model import Layout  # noqa: E402
from hallq.core.policies import POLICIES  # noqa: E402
from hallq.core.staffing import mean_wait_s  # noqa: E402
from sim.bound import work_bound_days  # noqa: E402
from sim.compare import DayWaits, Pooled, below_bound, day_waits, margins, pool  # noqa: E402
from sim.load import DayLoad, load_load, minute_of, service_weights  # noqa: E402
from sim.runner import component_pooled_layout, components, simulate  # noqa: E402
from sim.shapes import general_everything, township  # noqa: E402


def erlang_bound(layout: Layout, load: DayLoad) -> float:
    """Arrival-weighted Erlang C mean wait of one line served by all windows, per profile
    span (half the windows away during the staggered lunch), as if each span were stationary."""
    weights = service_weights(load, layout)
    mean_s = sum(w * layout.services[c].avg_service_min * 60 for c, w in weights.items())
    stop = minute_of(load.stop_issuing) if load.stop_issuing else layout.hours.close_min
    marks = sorted((minute_of(k), v) for k, v in load.profile.items())
    spans = [
        (a, min(marks[i + 1][0] if i + 1 < len(marks) else stop, stop), r)
        for i, (a, r) in enumerate(marks)
    ]
    mass = sum((b - a) * r for a, b, r in spans)
    lunch_at = minute_of(load.lunch.start) if load.lunch else -1
    lunch_end = lunch_at + 2 * load.lunch.minutes if load.lunch else -1
    out = []
    for a, b, r in spans:
        per_h = load.tickets * r / mass * 60
        c = len(layout.windows) // 2 if lunch_at <= a < lunch_end else len(layout.windows)
        out.append(((b - a) * r, mean_wait_s(c, per_h, mean_s)))
    return sum(n * w for n, w in out) / sum(n for n, _ in out)


def fmt(s: Pooled) -> str:
    return (
        f"{s.label:<20}{s.mean / 60:>8.2f}{s.p95 / 60:>8.1f}{s.longest_normal / 60:>10.1f}"
        f"{s.worst_normal / 60:>10.1f}{s.tickets:>9}"
    )


def halls() -> dict[str, tuple[str, Layout, DayLoad]]:
    layout = load_config(ROOT / "examples/hall.toml").layout()
    load = load_load(ROOT / "examples/load.toml", layout)
    small, small_load = township(layout)
    return {
        "example": ("example hall (76 windows)", layout, load),
        "township": ("township hall (6 windows)", small, small_load),
        "general": ("example hall, 综合窗口 serve everything", general_everything(layout), load),
    }


COMPONENT = "per component FCFS"  # the pooled-FCFS floor, one line per component
WORK_BOUND = "work bound"  # sim/bound.py, for every rule
CANDIDATES = ("default", "capped_cmu", "guarded_cmu")  # the rules the goal is checked for
SEEDS = {"example": 8, "township": 40, "general": 8}  # the small hall is cheap and noisiest


def run_one(hall: str, policy: str, seed: int, days: int) -> list[DayWaits]:
    """One seed's days of one policy (or floor) on one hall; runs in a worker process."""
    _, layout, load = halls()[hall]
    if policy == WORK_BOUND:
        return [
            DayWaits((w,), math.nan) for w in work_bound_days(layout, load, days=days, seed=seed)
        ]
    if policy == COMPONENT:
        layout, policy = component_pooled_layout(layout), "default"
    return [day_waits(d) for d in simulate(layout, load, policy=policy, days=days, seed=seed)]


def compare(key: str, policies: Sequence[str], seeds: int, days: int, jobs: int) -> None:
    title, layout, load = halls()[key]
    names = [*policies, COMPONENT, WORK_BOUND]
    t = time.perf_counter()
    with ProcessPoolExecutor(jobs) as ex:
        runs = {
            (name, seed): ex.submit(run_one, key, name, seed, days)
            for name in names
            for seed in range(1, seeds + 1)
        }
        rows = [pool(name, [runs[name, s].result() for s in range(1, seeds + 1)]) for name in names]
    print(f"  {key}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    print(f"\n{title}: {seeds} seeds x {days} day(s) x ~{load.tickets:.0f} tickets, "
          f"{len(components(layout))} component(s) in the window-service graph")  # fmt: skip
    print(f"{'policy':<20}{'mean':>8}{'p95':>8}{'longest':>10}{'worst day':>10}{'tickets':>9}"
          "   (minutes; longest: a day's longest normal wait, mean over days)")  # fmt: skip
    for s in rows:
        print(fmt(s) if s.label != WORK_BOUND else f"{s.label:<20}{s.mean / 60:>8.2f}")
    print(
        f"Erlang C pooled line (stationary, hourly): mean {erlang_bound(layout, load) / 60:.2f} min"
    )
    rules, floors = rows[: len(policies)], rows[len(policies) :]
    for floor in floors:
        under = below_bound(floor, rules)
        print(
            f"{floor.label}: "
            + (f"BELOW IT on {under}" if under else "no rule below it on any seed")
        )
    verdict(rules)


def verdict(rows: list[Pooled]) -> None:
    """Is a candidate best on mean, and within 10 % of the best other rule on p95 and on the
    longest normal wait? Prints each criterion with the margin (candidate / best other - 1)."""
    for name in CANDIDATES:
        if not any(r.label == name for r in rows):
            continue
        for m in margins(rows, name, skip=("department_fifo",)):
            print(f"{name} on {m.figure}: {'ok' if m.ok else 'FAILS'} ({m.ratio - 1:+.1%} vs "
                  f"{m.versus}, allowed {m.allowed - 1:+.0%})")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=int, help="per hall; default: 8, and 40 on the township hall")
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--hall", choices=["example", "township", "general"], action="append")
    p.add_argument("--policy", choices=list(POLICIES), action="append")
    args = p.parse_args()
    first = ["department_fifo", "default"]
    policies = args.policy or [*first, *[n for n in POLICIES if n not in first]]
    for key in args.hall or ["example", "township", "general"]:
        compare(key, policies, args.seeds or SEEDS[key], args.days, args.jobs)


if __name__ == "__main__":
    main()
