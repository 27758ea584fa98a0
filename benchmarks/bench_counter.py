"""Counter benchmark: key press -> ``event/called`` latency with every window pressing at once.

Run: python benchmarks/bench_counter.py [--rounds 20]
Every counter of examples/hall.toml runs its real CounterController + MqttLink in its own
process (as on its own Pi; 76 client stacks in one Python process measured the GIL instead);
the broker service runs as its own process (as in a hall). Each round, every window presses
"call next" at the same instant (a barrier); latency is from the press to the arrival of that
window's ``event/called`` at a display-like subscriber. Printed beside the raw Mosquitto
request/reply round trip measured in the same run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_broker import connect, fmt, raw_round_trip, wait_for_service

from app.localmqtt import LocalMosquitto, private_hall
from counter.controller import Action
from counter.wiring import build_counter
from hallq.client import CommandClient
from hallq.config import CounterDevice, load_config
from hallq.core.percentile import percentile
from hallq.protocol import decode_json

ROOT = Path(__file__).resolve().parent.parent


def counter_process(cfg_path: str, device_id: str, rounds: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    """One window's terminal in its own process, as on its own Pi: sign in, then press
    "call next" when the barrier releases every window at once, each round."""
    cfg = load_config(cfg_path)
    window = cfg.device(device_id).window  # type: ignore[union-attr]
    link, c = build_counter(cfg, device_id, repeat_guard_s=0.0, timeout_s=20.0)
    link.start()
    link.wait_for_connection(30)
    signed_in = c.press(Action.SIGN_IN, staff=f"S{window}").ok
    barrier.wait()  # everyone signed in; the main process issues tickets
    for r in range(rounds):
        barrier.wait()  # go
        t0 = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
        res = c.press(Action.CALL_NEXT) if signed_in else None
        ticket = (res.reply or {}).get("ticket") if res is not None and res.ok else None
        results.put((window, r, t0, ticket))
        barrier.wait()  # round done
    link.stop()


def start_counters(cfg, rounds: int):  # type: ignore[no-untyped-def]
    ctx = mp.get_context("spawn")
    devices = [d.id for d in cfg.devices if isinstance(d, CounterDevice)]
    barrier, results = ctx.Barrier(len(devices) + 1), ctx.Queue()
    procs = [
        ctx.Process(target=counter_process, args=(cfg.source, d, rounds, barrier, results))
        for d in devices
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=300)
    return procs, barrier, results


def issue_tickets(cfg, per_window: int) -> int:  # type: ignore[no-untyped-def]
    kiosk = connect(cfg, "kiosk1")
    kc = CommandClient(kiosk)
    n = 0
    for w in cfg.windows:
        service = (w.primary or w.secondary)[0]
        for _ in range(per_window):
            kc.send("issue", service=service)
            n += 1
    kiosk.stop()
    return n


def press_rounds(cfg, barrier, results, n: int, rounds: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    arrived: dict[tuple[str, str], float] = {}
    display = next(d.id for d in cfg.devices if d.role == "display")
    listener = connect(cfg, display)

    def on_called(_t: str, payload: bytes) -> None:
        ev = decode_json(payload)
        arrived[(ev["window"], ev["ticket"])] = time.perf_counter()

    listener.subscribe(listener.topics.event("called"), on_called)
    time.sleep(0.3)
    latencies: list[float] = []
    refused = 0
    for _ in range(rounds):
        barrier.wait(timeout=120)  # release all windows at once
        barrier.wait(timeout=120)  # all have their replies
        time.sleep(0.3)  # let the last events arrive
        for _ in range(n):
            window, _r, t0, ticket = results.get(timeout=30)
            if ticket is None or (window, ticket) not in arrived:
                refused += 1
                continue
            latencies.append(arrived[(window, ticket)] - t0)
    listener.stop()
    return latencies, refused


def batches(tmp: Path) -> str:
    """Where the time goes: the service's own per-batch timings from its debug log."""
    found = re.findall(
        r"batch of (\d+) commands answered in ([\d.]+) ms",
        (tmp / "broker.log").read_text(encoding="utf-8"),
    )
    if not found:
        return "no timings logged"
    sizes = [int(n) for n, _ in found]
    ms = [float(t) for _, t in found]
    return (
        f"{len(ms)} batches, mean {sum(sizes) / len(sizes):.1f} commands, "
        f"p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--n", type=int, default=500, help="raw round trips for the baseline")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-bench-counter-"))
    cfg = private_hall(ROOT / "examples" / "hall.toml", tmp, always_open=True)
    mosq = LocalMosquitto(cfg, tmp / "mosquitto").start()
    cmd = [sys.executable, "-m", "app.cli", "-v", "--log-file", str(tmp / "broker.log")]
    proc = subprocess.Popen([*cmd, "broker", "--config", cfg.source])
    procs = []
    try:
        wait_for_service(cfg)
        procs, barrier, results = start_counters(cfg, args.rounds)
        issued = issue_tickets(cfg, args.rounds + 2)
        print(
            f"hallq counter benchmark — {cfg.hall.name}: {len(procs)} windows, each its own "
            f"process, pressing 'call next' at once, {args.rounds} rounds, {issued} tickets"
        )
        print(
            f"baseline  raw Mosquitto request/reply (QoS 1):     {fmt(raw_round_trip(cfg, args.n))}"
        )
        latencies, refused = press_rounds(cfg, barrier, results, len(procs), args.rounds)
        print(f"hallq     key press -> event/called, all at once: {fmt(latencies)}")
        print(f"          presses without a call (queue empty or lost): {refused}")
        print(f"          broker side (decide + commit + publish per batch): {batches(tmp)}")
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
        proc.terminate()
        proc.wait(timeout=10)
        mosq.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
