"""How honest is the wait printed on a ticket? Simulated on the example hall.

    python benchmarks/bench_estimates.py [--days N] [--seed S] [--policy NAME]

For every normal ticket the simulator keeps what the engine printed (the current estimator)
and what the first estimator (people ahead x mean service / capacity) would have printed at
the same moment: the baseline, measured in the same run. Error = real wait - estimate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hallq.config import load_config  # noqa: E402
from sim.load import load_load  # noqa: E402
from sim.runner import simulate  # noqa: E402
from sim.stats import EstimateError, all_records, estimate_error  # noqa: E402


def fmt(label: str, e: EstimateError) -> str:
    return (
        f"{label:<36}{e.tickets:>8}{e.mae_s / 60:>10.1f}{e.late_share:>14.1%}"
        f"{e.mean_bias_s / 60:>12.1f}"
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--policy", default="default")
    args = p.parse_args()
    layout = load_config(ROOT / "examples/hall.toml").layout()
    load = load_load(ROOT / "examples/load.toml", layout)
    days = simulate(layout, load, policy=args.policy, days=args.days, seed=args.seed)
    records = all_records(days)
    print(f"example hall, policy {args.policy}, {args.days} day(s), seed {args.seed}")
    print(f"{'estimator':<36}{'tickets':>8}{'MAE min':>10}{'late > 5 min':>14}{'bias min':>12}")
    print(fmt("baseline: ahead x mean / capacity", estimate_error(records, baseline=True)))
    print(fmt("current: blended with call rate", estimate_error(records)))


if __name__ == "__main__":
    main()
