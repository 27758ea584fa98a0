"""Broker service benchmark: command round trip and durable throughput through Mosquitto,
printed beside the raw Mosquitto request/reply round trip measured in the same run.

Run: python benchmarks/bench_broker.py [--n 500] [--seconds 10]
The service runs as its own process (as in a hall); every command is committed to SQLite
(WAL, synchronous=FULL) before its reply.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import connect, fmt, raw_round_trip, wait_for_service

from app.localmqtt import LocalMosquitto, private_hall
from hallq.client import CommandClient, CommandError

ROOT = Path(__file__).resolve().parent.parent


def command_round_trips(cfg, n: int) -> tuple[list[float], list[float]]:
    kiosk, counter = connect(cfg, "kiosk1"), connect(cfg, "counter01")
    kc, cc = CommandClient(kiosk), CommandClient(counter)
    time.sleep(0.2)
    cc.send("open", staff="bench")
    issue, call = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        kc.send("issue", service="rs01")
        issue.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cc.send("call_next")
        call.append(time.perf_counter() - t0)
    kiosk.stop()
    counter.stop()
    return issue, call


def throughput(cfg, seconds: float, pairs: int) -> float:
    """Several kiosk/counter pairs issuing and calling as fast as replies allow."""
    done = [0] * pairs
    stop = time.monotonic() + seconds
    # pairs of (a service, the counter of a window that serves it), windows chosen so that no
    # two pairs share a service: each counter's call_next calls what its own kiosk issued
    counters = {d.window: d.id for d in cfg.devices if d.role == "counter"}
    picked: list[tuple[str, str]] = []
    taken: set[str] = set()
    for w in cfg.windows:
        served = {*w.primary, *w.secondary}
        if w.primary and not served & taken and len(picked) < pairs:
            picked.append((w.primary[0], counters[w.id]))
            taken |= served

    def worker(i: int) -> None:
        svc, counter_id = picked[i % len(picked)]
        kiosk = connect(cfg, f"kiosk{1 + i % 3}")
        counter = connect(cfg, counter_id)
        kc, cc = CommandClient(kiosk), CommandClient(counter)
        cc.send("open")
        while time.monotonic() < stop:
            try:
                kc.send("issue", service=svc)
                cc.send("call_next")
                done[i] += 1
            except CommandError:
                time.sleep(0.05)  # refused or offline: do not spin
        kiosk.stop()
        counter.stop()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(pairs)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--pairs", type=int, default=4)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-bench-"))
    cfg = private_hall(ROOT / "examples" / "hall.toml", tmp, always_open=True)
    mosq = LocalMosquitto(cfg, tmp / "mosquitto").start()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "--log-file",
            str(tmp / "broker.log"),
            "broker",
            "--config",
            cfg.source,
        ]
    )
    try:
        wait_for_service(cfg)
        print(
            f"hallq broker benchmark — {cfg.hall.name}: {len(cfg.services)} services, "
            f"{len(cfg.windows)} windows; Mosquitto on 127.0.0.1:{cfg.mqtt.port}"
        )
        print(f"baseline  raw Mosquitto request/reply (QoS 1): {fmt(raw_round_trip(cfg, args.n))}")
        issue, call = command_round_trips(cfg, args.n)
        print(f"hallq     issue     round trip (durable):     {fmt(issue)}")
        print(f"hallq     call_next round trip (durable):     {fmt(call)}")
        rate = throughput(cfg, args.seconds, args.pairs)
        print(
            f"hallq     sustained issue+call pairs/s ({args.pairs} kiosk/counter pairs, "
            f"{args.seconds:.0f} s): {rate:.0f} pairs/s = {2 * rate:.0f} commands/s"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        mosq.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
