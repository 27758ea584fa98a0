"""Policy comparison: how long citizens wait under each call-next policy, on three halls.

    python benchmarks/bench_policies.py [--days N] [--seed S] [--hall example|township|general]

Halls: the example hall (examples/hall.toml + load.toml); a township hall of 6 windows and a
hall whose 综合窗口 serve everything (sim/shapes.py). Every policy sees the same simulated
citizens (same seed). The baseline is the per-department FIFO hall (no balancing); the
literature rules are fcfs_alis, gcmu and maxweight (hallq/core/policies.py). Bounds: one
pooled line served by every window (simulated, and by Erlang C, stationary hour by hour), and
the skill-graph bound: per connected component of the window-service graph, one line served
by every window of the component (simulated).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hallq.config import load_config  # noqa: E402
from hallq.core.model import Layout  # noqa: E402
from hallq.core.policies import POLICIES  # noqa: E402
from hallq.core.staffing import mean_wait_s  # noqa: E402
from sim.load import DayLoad, load_load, minute_of, service_weights  # noqa: E402
from sim.runner import component_pooled_layout, components, pooled_layout, simulate  # noqa: E402
from sim.shapes import general_everything, township  # noqa: E402
from sim.stats import WaitStats, all_records, wait_stats  # noqa: E402


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


def fmt(s: WaitStats, bound: float) -> str:
    ratio = s.mean / bound if bound > 0 else math.inf
    return (
        f"{s.label:<18}{s.mean / 60:>8.1f}{s.p95 / 60:>8.1f}{s.max / 60:>8.1f}"
        f"{s.priority_mean / 60:>10.1f}{s.longest_normal / 60:>12.1f}{ratio:>12.0f}x"
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


def compare(title: str, layout: Layout, load: DayLoad, days: int, seed: int) -> None:
    rows: list[WaitStats] = []
    for name in (
        "department_fifo",
        "default",
        *[n for n in POLICIES if n not in ("department_fifo", "default")],
    ):
        t = time.perf_counter()
        run = simulate(layout, load, policy=name, days=days, seed=seed)
        rows.append(wait_stats(name, all_records(run)))
        print(f"  {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    pooled = simulate(pooled_layout(layout), load, days=days, seed=seed)
    bound = wait_stats("pooled (bound)", all_records(pooled))
    parts = simulate(component_pooled_layout(layout), load, days=days, seed=seed)
    skill = wait_stats("per component", all_records(parts))
    erlang = erlang_bound(layout, load)
    print(f"\n{title}: {days} day(s) x ~{load.tickets:.0f} tickets, seed {seed}, "
          f"{len(components(layout))} component(s) in the window-service graph")  # fmt: skip
    print(
        f"{'policy':<18}{'mean':>8}{'p95':>8}{'max':>8}{'prio mean':>10}{'normal max':>12}"
        f"{'/ pooled':>13}   (minutes)"
    )
    for s in [*rows, skill, bound]:
        print(fmt(s, bound.mean))
    print(f"Erlang C pooled bound (stationary, hourly): mean {erlang / 60:.2f} min")
    verdict(rows)


CANDIDATES = ("default", "capped_cmu")  # the rules the goal is checked for


def verdict(rows: list[WaitStats]) -> None:
    """Is a candidate best on mean, and within 10 % of the best other rule on p95 and on the
    longest normal wait? Prints each criterion with the margin (candidate / best other - 1)."""
    base = rows[0]
    for s in rows[1:]:
        print(f"{s.label}: mean wait {s.mean / base.mean:.0%} of department FIFO, "
              f"p95 {s.p95 / base.p95:.0%}")  # fmt: skip
    for name in CANDIDATES:
        mine = next((s for s in rows if s.label == name), None)
        others = [s for s in rows if s.label not in (name, "department_fifo")]
        if mine is None or not others:
            continue
        for what, slack in (("mean", 1.0), ("p95", 1.1), ("longest_normal", 1.1)):
            best = min(others, key=lambda s: getattr(s, what))
            ratio = getattr(mine, what) / getattr(best, what)
            ok = "ok" if ratio <= slack else "FAILS"
            print(f"{name} on {what}: {ok} ({ratio - 1:+.1%} vs {best.label}, "
                  f"allowed {slack - 1:+.0%})")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hall", choices=["example", "township", "general"], action="append")
    args = p.parse_args()
    for key, (title, layout, load) in halls().items():
        if args.hall is None or key in args.hall:
            compare(title, layout, load, args.days, args.seed)


if __name__ == "__main__":
    main()
