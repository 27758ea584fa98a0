"""Matters (一件事) on the example hall: end-to-end time in the hall under three ways of
moving a case on, with the same simulated citizens (same seed).

    python benchmarks/bench_matters.py [--days N] [--seed S] [--share F]

- ``back``: a case that finished a stage joins the back of the next queue (continuing_run=0):
  what halls do today with a transfer or a second ticket (the baseline);
- ``continuing``: the continuing class goes ahead of new arrivals, at most 2 in a row per
  window (the hall's policy.continuing_run);
- ``one_window``: every matter served at a 综合窗口 in one sitting (the sitting lasts the sum
  of the services' average times, one draw).

End to end = issue -> last finish, per matter. "First-step wait" is the wait of every ticket
to its first call (citizens with one service included): the continuing class must not make
new arrivals starve.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402

from hallq.config import load_config  # noqa: E402
from hallq.core.model import Layout, MatterMode  # noqa: E402
from hallq.core.percentile import percentile  # noqa: E402
from sim.load import load_load  # noqa: E402
from sim.runner import simulate  # noqa: E402


def modes(layout: Layout) -> dict[str, Layout]:
    whole = {k: replace(m, mode=MatterMode.ONE_WINDOW) for k, m in layout.matters.items()}
    return {
        "back": replace(layout, continuing_run=0),
        "continuing": layout,
        "one_window": replace(layout, matters=whole),
    }


def minutes(values: list[float], pct: float | None = None) -> str:
    if not values:
        return "–"
    v = sum(values) / len(values) if pct is None else percentile(values, pct)
    return f"{(v or 0) / 60:5.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--share", type=float, default=0.015, help="arrivals per matter")
    args = ap.parse_args()
    cfg = load_config(ROOT / "examples" / "hall.toml")
    layout = cfg.layout()
    steps = [m for m in layout.matters.values() if m.mode is MatterMode.STEPS]
    base = load_load(ROOT / "examples" / "load.toml", layout)
    load = msgspec.structs.replace(base, matters={m.id: args.share for m in steps})
    print(
        f"example hall, {args.days} day(s), seed {args.seed}, {args.share:.1%} of arrivals"
        f" per matter ({len(steps)} matters)\n"
    )
    rows: dict[str, dict[str, list[float]]] = {}
    firsts: dict[str, list[float]] = {}
    for name, lay in modes(layout).items():
        started = time.perf_counter()
        results = simulate(lay, load, days=args.days, seed=args.seed)
        recs = [r for day in results for r in day.records]
        per: dict[str, list[float]] = {m.id: [] for m in steps}
        for r in recs:
            if r.matter in per and r.done_at is not None:
                per[r.matter].append(r.done_at - r.issued_at)
        rows[name] = per
        firsts[name] = [r.wait_s for r in recs if r.wait_s is not None and r.matter is None]
        print(f"  {name}: simulated in {time.perf_counter() - started:.1f} s")
    names = list(rows)
    print("\nend to end in the hall, minutes: mean / p90 (cases completed)\n")
    print(f"| matter | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for m in steps:
        cells = [
            f"{minutes(rows[n][m.id])} / {minutes(rows[n][m.id], 90)} ({len(rows[n][m.id])})"
            for n in names
        ]
        print(f"| {m.name} | {' | '.join(cells)} |")
    every = {n: [v for vs in rows[n].values() for v in vs] for n in names}
    print(f"| **all matters** | {' | '.join(both(every[n]) for n in names)} |")
    print(f"| one-service citizens' wait | {' | '.join(both(firsts[n]) for n in names)} |")


def both(values: list[float]) -> str:
    return f"{minutes(values)} / {minutes(values, 90)}"


if __name__ == "__main__":
    main()
