"""Voice: render times, WAV lengths, and whether each zone's announcer keeps up at peak.

    python benchmarks/bench_voice.py [--days N] [--seed S] [--late-s S]

Part 1: espeak-ng synthesis time, cached render time and WAV length of a call.
Part 2: per zone of the example hall (examples/hall.toml; "" = one announcer for the whole
hall), the peak call rate against announcements per minute. Peak call rate: the zone's open
windows over the mean service time of their services (sustained), and the highest count of
first calls in any 5 minutes of the simulated busy days (examples/load.toml, `default`
policy). Announcements per minute: 60 / the mean WAV length (measured from the WAVs rendered
for the zone's windows), for the old behaviour (every call in full: chime + sentence twice,
the baseline) and for a backlog today (a run: each call said once, one chime). Then the
simulated days' calls are fed, at their times, through each behaviour's queue: how many calls
could not begin within late_s (old: said minutes late; now: not said, flagged on the wall).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hallq.config import load_config  # noqa: E402
from hardware import wavtools  # noqa: E402
from hardware.config import VoiceConfig  # noqa: E402
from hardware.voice import Announcer, Form  # noqa: E402
from sim.load import load_load  # noqa: E402
from sim.runner import simulate  # noqa: E402

CALLS = [("A001", "5号窗口"), ("B128", "12号窗口"), ("C007", "3号窗口")]
SPAN_S = 300.0


def render_times(announcer: Announcer) -> None:
    print(f"{'call':18} {'first render ms':>16} {'cached ms':>10} {'wav s':>7}")
    for ticket, window in CALLS:
        started = time.perf_counter()
        path = announcer.render_call(ticket, window)
        first = time.perf_counter() - started
        started = time.perf_counter()
        announcer.render_call(ticket, window)
        cached = time.perf_counter() - started
        print(f"{ticket + ' ' + window:18} {first * 1000:16.1f} {cached * 1000:10.2f} "
              f"{wavtools.duration(path):7.2f}")  # fmt: skip


def wav_lengths(announcer: Announcer, cfg: object) -> dict[str, dict[Form, float]]:
    """Per window: the length of each form of a typical call to it (its first service's
    prefix, number 128)."""
    out: dict[str, dict[Form, float]] = {}
    layout = cfg.layout()  # type: ignore[attr-defined]
    for w in cfg.windows:  # type: ignore[attr-defined]
        ticket = f"{layout.services[w.primary[0]].prefix}128"
        out[w.id] = {
            f: wavtools.duration(announcer.render_call(ticket, w.name, form=f)) for f in Form
        }
    return out


def peak_per_min(times: list[float]) -> float:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - SPAN_S:
            j += 1
        best = max(best, i - j + 1)
    return best / (SPAN_S / 60)


def replay(calls: list[tuple[float, str]], lengths: dict[str, dict[Form, float]],
           shorten: bool, late_s: float) -> tuple[int, float]:  # fmt: skip
    """Feed (time, window) calls through one announcer; (calls not begun within late_s,
    longest delay). Old behaviour: every call in full and said however late."""
    free_at, late, worst = 0.0, 0, 0.0
    queue = sorted(calls)
    in_run = False
    for i, (at, window) in enumerate(queue):
        start = max(at, free_at)
        if start - at > late_s:
            late += 1
            worst = max(worst, start - at)
            if shorten:
                continue  # not said: flagged on the wall, the queue catches up
        behind = any(t <= start for t, _ in queue[i + 1 : i + 2])
        form = Form.FULL
        if shorten:
            form = Form.RUN_NEXT if in_run else Form.RUN_FIRST if behind else Form.FULL
            in_run = behind
        worst = max(worst, start - at)
        free_at = start + lengths[window][form]
    return late, worst


def zones(cfg: object, load_path: Path, args: argparse.Namespace, announcer: Announcer) -> None:
    layout = cfg.layout()  # type: ignore[attr-defined]
    lengths = wav_lengths(announcer, cfg)
    zone_of = {w.id: w.zone for w in cfg.windows}  # type: ignore[attr-defined]
    by_zone: dict[str, list[str]] = defaultdict(list)
    for w in cfg.windows:  # type: ignore[attr-defined]
        by_zone[w.zone].append(w.id)
        by_zone[""].append(w.id)
    days, seed, late_s = args.days, args.seed, args.late_s
    results = simulate(layout, load_load(load_path, layout), days=days, seed=seed)
    calls: dict[str, list[list[tuple[float, str]]]] = defaultdict(list)
    for day in results:
        per: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for r in day.records:
            if r.wait_s is not None and r.window is not None:
                at = r.issued_at + r.wait_s
                per[zone_of[r.window]].append((at, r.window))
                per[""].append((at, r.window))
        for z, c in per.items():
            calls[z].append(c)
    devices = cfg.devices  # type: ignore[attr-defined]
    voices = {d.zone for d in devices if d.role == "display" and d.voice is not None}
    print(f"\nper zone, {days} simulated busy day(s), seed {seed}; late = not begun within "
          f"{late_s:.0f} s (old: said late anyway; now: not said, flagged)")  # fmt: skip
    print(f"{'zone':6}{'voice':>6}{'windows':>8}{'sustained':>10}{'5-min peak':>11}"
          f"{'old /min':>9}{'now /min':>9}{'keeps up':>9}{'old late':>9}{'old worst s':>12}"
          f"{'now late':>9}")  # fmt: skip
    for z in sorted(by_zone):
        ws = by_zone[z]
        sustained = sum(
            1 / statistics.fmean(layout.services[c].avg_service_min for c in _primary(layout, w))
            for w in ws
        )
        peak = max(peak_per_min([t for t, _ in c]) for c in calls[z])
        old = 60 / statistics.fmean(lengths[w][Form.FULL] for w in ws)
        now = 60 / statistics.fmean(lengths[w][Form.RUN_NEXT] for w in ws)
        old_late = [replay(c, lengths, False, late_s) for c in calls[z]]
        now_late = [replay(c, lengths, True, late_s) for c in calls[z]]
        keeps = "yes" if now >= max(peak, sustained) else "NO"
        print(f"{z or '(all)':6}{'yes' if z in voices else '-':>6}{len(ws):>8}{sustained:>10.1f}"
              f"{peak:>11.1f}{old:>9.1f}{now:>9.1f}{keeps:>9}"
              f"{sum(n for n, _ in old_late):>9}{max(w for _, w in old_late):>12.0f}"
              f"{sum(n for n, _ in now_late):>9}")  # fmt: skip


def _primary(layout: object, window: str) -> list[str]:
    from hallq.core.model import Tier

    spec = layout.windows[window]  # type: ignore[attr-defined]
    return [c for c, t in spec.services.items() if t is Tier.PRIMARY]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--late-s", type=float, default=VoiceConfig().late_s)
    args = p.parse_args()
    cfg = load_config(ROOT / "examples/hall.toml")
    with tempfile.TemporaryDirectory() as tmp:
        announcer = Announcer(VoiceConfig(cache_dir=str(Path(tmp) / "cache")))
        render_times(announcer)
        zones(cfg, ROOT / "examples/load.toml", args, announcer)


if __name__ == "__main__":
    main()
