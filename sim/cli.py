"""``hallq simulate``: simulate hall days on the real engine and print how long citizens wait.

    hallq simulate --config hall.toml --load load.toml [--policy NAME] [--days N] [--seed S]
                   [--out DIR]

Prints a table per service and overall (waits in minutes), writes ``waits.png`` into DIR.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from statistics import fmean
from typing import TextIO

from hallq.config import ConfigError, load_config
from hallq.core.model import Layout, Tier
from hallq.core.policies import POLICIES

from .day import DayResult
from .load import LoadError, load_load
from .plot import plot_waits
from .runner import pooled_layout, simulate
from .stats import WaitStats, all_records, by_service, estimate_error, utilisation, wait_stats

POOLED = "pooled"  # not a policy: the lower bound, every window serving every service


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hallq simulate", description="模拟排队 simulate hall days")
    p.add_argument("--config", required=True, help="hall.toml")
    p.add_argument("--load", required=True, help="load.toml: the day's demand")
    p.add_argument(
        "--policy",
        choices=[*POLICIES, POOLED],
        help="routing rule (default: the hall's own, [policy] routing in hall.toml)",
    )
    p.add_argument("--days", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="sim-out", help="folder for the PNG plot")
    return p


def progress_bar(done: int, total: int, stream: TextIO | None = None) -> None:
    """A bar redrawn in place on a terminal; elsewhere (a log, a pipe, CI) one plain line per
    simulated day, so a redirected run does not fill its file with carriage-return frames."""
    stream = stream or sys.stderr
    if not stream.isatty():
        print(f"模拟 simulating: day {done}/{total} done", file=stream, flush=True)
        return
    width = 30
    filled = width * done // total
    bar = "#" * filled + "." * (width - filled)
    end = "\n" if done == total else ""
    print(f"\r模拟 simulating [{bar}] {done}/{total} days", end=end, file=stream, flush=True)


def _m(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds / 60:.1f}"


def service_util(layout: Layout, util: dict[str, float], code: str) -> float:
    """Mean utilisation of the windows holding ``code`` as primary."""
    ws = [u for w, u in util.items() if layout.windows[w].services.get(code) is Tier.PRIMARY]
    return fmean(ws) if ws else math.nan


def row(s: WaitStats, util: float) -> str:
    return (
        f"{s.label:<10}{s.tickets:>7}{_m(s.mean):>8}{_m(s.p50):>8}{_m(s.p95):>8}{_m(s.max):>8}"
        f"{util:>7.0%}{s.priority_share:>7.0%}{_m(s.longest_normal):>9}"
    )


def table(layout: Layout, days: Sequence[DayResult]) -> list[str]:
    util = utilisation(days)
    lines = [
        f"{'service':<10}{'tickets':>7}{'mean':>8}{'p50':>8}{'p95':>8}{'max':>8}"
        f"{'util':>7}{'prio':>7}{'normmax':>9}   (waits in minutes)"
    ]
    lines += [row(s, service_util(layout, util, s.label)) for s in by_service(days)]
    overall = wait_stats("overall", all_records(days))
    lines.append(row(overall, fmean(u for u in util.values() if not math.isnan(u))))
    err = estimate_error(all_records(days))
    lines.append(
        f"estimate: MAE {_m(err.mae_s)} min, real wait > estimate + 5 min for "
        f"{err.late_share:.1%} of {err.tickets} normal tickets"
    )
    return lines


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        cfg = load_config(args.config)
        layout = cfg.layout()
        load = load_load(args.load, layout)
    except (ConfigError, LoadError) as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 2
    policy = label = args.policy or cfg.policy.routing  # what the hall runs
    if policy == POOLED:
        layout, policy = pooled_layout(layout), "default"
    days = simulate(
        layout, load, policy=policy, days=args.days, seed=args.seed, progress=progress_bar
    )
    print("\n".join(table(layout, days)))
    title = f"等候时间 Waits through the day — {label}, {args.days} day(s), seed {args.seed}"
    png = plot_waits(days, layout.timezone, Path(args.out) / "waits.png", title)
    print(f"plot: {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
