"""How fast a month's appraisal report is for the example hall, and the month it reports.

Simulates the example hall (examples/hall.toml, examples/load.toml: ~2,800 tickets a day) for
every opening day of a month on the engine, adds a rating after each finished ticket (60 % 5,
25 % 4, 10 % 3, 3 % 2, 2 % 1), writes the events into a real event store, then times, in the
same run:

- baseline: one bare pass over the month's rows (read and JSON-decode every event);
- the month report (board.report.compute: read-only snapshot, day by day);
- the whole HTML / xlsx file (figures, charts, tables) and the 差评 follow-up scan.

It leaves the month's report files in artifacts/reports/ (the example hall's month).

Run: /work/main/.venv/bin/python benchmarks/bench_reports.py [--month 2026-12] [--days N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from board import period as periods  # noqa: E402
from board.followup import Followups, sync  # noqa: E402
from board.report import build, compute  # noqa: E402
from hallq.config import load_config  # noqa: E402
from hallq.core.engine import Engine  # noqa: E402
from hallq.core.model import Event, EventKind  # noqa: E402
from hallq.store import EventStore  # noqa: E402
from sim.day import DaySim, opening_days  # noqa: E402
from sim.load import load_load  # noqa: E402

SCORES = ([5] * 60) + ([4] * 25) + ([3] * 10) + ([2] * 3) + ([1] * 2)


def simulate_month(cfg: object, store: EventStore, month: str, days: int | None) -> int:
    """Simulate the month's opening days into ``store``; the number of events written."""
    layout = cfg.layout()  # type: ignore[attr-defined]
    load = load_load(ROOT / "examples" / "load.toml", layout)
    load = msgspec.structs.replace(load, date=f"{month}-01")
    engine = Engine(layout)
    captured: list[Event] = []
    apply_all = engine.apply_all

    def capture(events: object) -> None:
        events = list(events)  # type: ignore[call-overload]
        captured.extend(events)
        apply_all(events)

    engine.apply_all = capture  # type: ignore[method-assign]
    written = 0
    month_days = opening_days(layout, load.start_date())
    for i, day in enumerate(islice(month_days, days or 31)):
        if day.isoformat()[:7] != month:
            break
        captured.clear()
        rng = random.Random(f"month:{i}")
        DaySim(engine, load, day, rng).run()
        events = rated(captured, rng)
        store.append(events, day.isoformat())
        written += len(events)
    return written


def rated(events: list[Event], rng: random.Random) -> list[Event]:
    """The day's events with a rating 20 s after each finished ticket (evaluators)."""
    out = list(events)
    for ev in events:
        if ev.kind == EventKind.TICKET_FINISHED:
            data = {
                "ticket": ev.data["ticket"],
                "score": rng.choice(SCORES),
                "window": ev.data["window"],
                "source": f"eval-{ev.data['window']}",
            }
            out.append(Event(EventKind.TICKET_RATED, ev.at + 20, data))
    out.sort(key=lambda e: e.at)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--month", default="2026-12")
    p.add_argument("--days", type=int, help="only the first N opening days")
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-month-"))
    cfg = load_config(ROOT / "examples" / "hall.toml")
    store = EventStore(tmp / "hallq.db").open()
    start = time.perf_counter()
    n = simulate_month(cfg, store, a.month, a.days)
    print(f"simulated {a.month}: {n} events in {time.perf_counter() - start:.1f} s ({tmp})")
    store.close()
    month = periods.parse("month", a.month)
    path = tmp / "hallq.db"

    start = time.perf_counter()
    es = EventStore(path).open()
    rows = sum(1 for d in month.days for _ in es.events(day=d))
    es.close()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    r = compute(cfg, month, path)
    took = time.perf_counter() - start
    print(
        f"month report figures: {rows} events, {r.total.tickets} tickets: {took:.2f} s "
        f"(baseline: read and decode every row {baseline:.2f} s)"
    )
    out = ROOT / "artifacts" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    for fmt in ("html", "xlsx", "csv"):
        start = time.perf_counter()
        data = build(cfg, month, fmt, path)
        (out / f"example-hall-{a.month}.{fmt}").write_bytes(data)
        print(f"  {fmt}: {len(data)} bytes in {time.perf_counter() - start:.2f} s")
    f = Followups(
        tmp / "board-followups.sqlite",
        overdue_days=5,
        window_department={w.id: w.department for w in cfg.windows},
        departments=[d.id for d in cfg.departments],
    )
    start = time.perf_counter()
    found = sync(f, path, cfg.hall.timezone)
    print(f"差评 follow-up scan: {found} items in {time.perf_counter() - start:.2f} s")
    t = r.total
    print(
        json.dumps(
            {
                "month": a.month,
                "days": len([b for b in r.buckets.values() if b.tickets]),
                "tickets": t.tickets,
                "served": t.finished,
                "wait_mean_min": round((t.wait_mean or 0) / 60, 1),
                "wait_p90_min": round((t.wait_p90 or 0) / 60, 1),
                "over_target": round(t.over_target_share or 0, 3),
                "no_shows": t.no_shows,
                "transfers": t.transfers,
                "ratings": t.ratings,
                "bad": t.bad,
                "satisfaction": round(t.satisfaction or 0, 3),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
