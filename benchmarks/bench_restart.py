"""Restart cost against history: the service's load (open + replay) on a store with a busy day
and millions of older rows, printed beside the old procedure measured on the same file.

Run: python benchmarks/bench_restart.py [--older 2000000] [--day 50000]

"old" is what start-up did before: ``PRAGMA quick_check`` of the whole file at every open, and
the replay's two look-ups (last ``day_started``, older settings rows) as full scans
(``NOT INDEXED``). "new" is today's ``BrokerService.load()``: header checks only (the integrity
check runs in a background thread after start), look-ups through the ``events_kind`` index.
Both replay the same day into a fresh engine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from halls import write_test_hall  # noqa: E402

from app.bootstrap import build_broker  # noqa: E402
from hallq.config import load_config  # noqa: E402
from hallq.core.apply import PERSISTENT_KINDS  # noqa: E402
from hallq.core.engine import Engine  # noqa: E402
from hallq.core.model import Event  # noqa: E402
from hallq.store import EventStore  # noqa: E402

DAY0 = 1_795_766_400.0  # a Monday 08:00 in Asia/Shanghai, roughly


def busy_day(cfg, n_events: int) -> tuple[list[Event], str]:
    """A day of real engine events: issue / call / start / finish at three windows."""
    engine = Engine(cfg.layout())
    events: list[Event] = []
    now = DAY0
    for w in ("w1", "w2", "w3"):
        events += engine.run("open", now, window=w)
    codes = ["rs01", "rs02", "bdc01"]  # bdc02 has a daily cap
    i = 0
    while len(events) < n_events:
        now += 1.0
        events += engine.run("issue", now, service=codes[i % 3])
        if i % 2:
            for w in ("w1", "w2", "w3"):
                for op in ("call_next", "start", "finish"):
                    try:
                        events += engine.run(op, now, window=w)
                    except Exception:
                        break
        i += 1
    return events, engine.day


def fill(path: Path, cfg, older: int, day: int) -> tuple[str, int]:
    events, today = busy_day(cfg, day)
    store = EventStore(path).open()
    rows = [(e.kind, json.dumps(e.data, ensure_ascii=False), e.at) for e in events]
    batch, written = [], 0
    while written < older:  # earlier days: the same traffic under older day labels
        n = min(len(rows), older - written)
        label = f"2025-{(written // len(rows)) % 12 + 1:02d}-01"
        batch = [(label, at - 86400 * 400, kind, data) for kind, data, at in rows[:n]]
        store.db.execute("BEGIN")
        store.db.executemany("INSERT INTO events(day, at, kind, data) VALUES (?,?,?,?)", batch)
        store.db.execute("COMMIT")
        written += n
        if sys.stdout.isatty():  # a progress line on a terminal only, never thousands in a log
            print(f"\r  writing older rows: {written:,}/{older:,}", end="", flush=True)
    if sys.stdout.isatty():
        print()
    store.append(events, today)
    count = store.count()
    store.close()
    return today, count


def old_load(path: Path, cfg) -> float:
    started = time.perf_counter()
    import sqlite3

    db = sqlite3.connect(path)
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    start = db.execute(
        "SELECT MAX(seq) FROM events NOT INDEXED WHERE kind = 'day_started'"
    ).fetchone()[0]
    start = start or 0
    marks = ",".join("?" * len(PERSISTENT_KINDS))
    older = db.execute(
        f"SELECT at, kind, data FROM events NOT INDEXED WHERE seq < ? AND kind IN ({marks})"
        " ORDER BY seq",
        (start, *sorted(PERSISTENT_KINDS)),
    ).fetchall()
    today = db.execute(
        "SELECT at, kind, data FROM events WHERE seq >= ? ORDER BY seq", (start,)
    ).fetchall()
    engine = Engine(cfg.layout())
    for at, kind, data in [*older, *today]:
        engine.apply(Event(kind, at, json.loads(data)))
    db.close()
    return time.perf_counter() - started


def new_load(cfg) -> tuple[float, int]:
    started = time.perf_counter()
    service = build_broker(cfg, with_link=False, clock=lambda: DAY0 + 3600)
    n = service.load()
    took = time.perf_counter() - started
    service.store.close()
    return took, n


def first_reply_after_kill(cfg, tmp: Path, runs: int) -> list[float]:
    """The service as its own process on this store: kill -9 it, start it again, and time
    from the new start to the first reply (what a hall sees after a crash, before systemd's
    restart delay)."""
    import logging
    import signal
    import subprocess

    from app.localmqtt import LocalMosquitto
    from hallq.client import CommandClient, CommandError
    from hallq.mqtt import MqttLink

    logging.getLogger("hallq.client").setLevel(logging.ERROR)  # the probe's misses are expected
    mosq = LocalMosquitto(cfg, tmp / "mqtt").start()
    link = MqttLink.from_config(cfg, "kiosk1")
    link.start()
    link.wait_for_connection(10)
    client = CommandClient(link)
    cmd = [sys.executable, "-m", "app.cli", "--log-file", str(tmp / "broker.log"), "broker"]
    times: list[float] = []
    proc = None
    try:
        for _ in range(runs + 1):
            if proc is not None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            started = time.perf_counter()
            proc = subprocess.Popen([*cmd, "--config", cfg.source])
            while True:
                try:
                    client.send("status", timeout=0.05, retries=0)
                    break
                except CommandError:
                    continue
            times.append(time.perf_counter() - started)
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        link.stop()
        mosq.stop()
    return times[1:]  # the first start created the index on the older rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--older", type=int, default=2_000_000, help="rows of earlier days")
    ap.add_argument("--day", type=int, default=50_000, help="events of the current day")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--live", action="store_true", help="also kill -9 the service process")
    args = ap.parse_args()
    from app.localmqtt import free_port

    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config(write_test_hall(Path(tmp), port=free_port()))
        path = cfg.resolve(cfg.device("hallq").store)
        print(f"building a store: {args.day:,} events today + {args.older:,} older rows")
        today, total = fill(path, cfg, args.older, args.day)
        size = path.stat().st_size / 2**20
        print(f"store {path.name}: {total:,} rows, {size:.0f} MB, business day {today}")
        new_load(cfg)  # the first open creates the events_kind index on an older file
        olds = [old_load(path, cfg) for _ in range(args.runs)]
        news = [new_load(cfg) for _ in range(args.runs)]
        print(
            f"old start-up (quick_check + full scans): best {min(olds):.3f} s  "
            f"runs {', '.join(f'{t:.3f}' for t in olds)}"
        )
        print(
            f"new start-up (header check + index):     best {min(t for t, _ in news):.3f} s  "
            f"runs {', '.join(f'{t:.3f}' for t, _ in news)}  ({news[0][1]:,} events replayed)"
        )
        if args.live:
            kills = first_reply_after_kill(cfg, Path(tmp), args.runs)
            print(
                f"kill -9, start, first reply (process start + load + connect): best "
                f"{min(kills):.3f} s  runs {', '.join(f'{t:.3f}' for t in kills)}  (goal <= 1 s)"
            )


if __name__ == "__main__":
    main()
