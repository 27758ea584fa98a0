"""Counter benchmark: key press -> ``event/called`` latency with every window pressing at once.

Run: python benchmarks/bench_counter.py [--rounds 20]
All counters of examples/hall.toml run their real CounterController + MqttLink in this process;
the broker service runs as its own process (as in a hall). Each round, every window presses
"call next" at the same instant (a barrier); latency is from the press to the arrival of that
window's ``event/called`` at a display-like subscriber. Printed beside the raw Mosquitto
request/reply round trip measured in the same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_broker import connect, fmt, raw_round_trip, wait_for_service

from counter.controller import Action
from counter.wiring import build_counter
from hallq.client import CommandClient
from hallq.config import CounterDevice
from hallq.localmqtt import LocalMosquitto, private_hall
from hallq.protocol import decode_json

ROOT = Path(__file__).resolve().parent.parent


def start_counters(cfg):  # type: ignore[no-untyped-def]
    counters = {}
    for d in cfg.devices:
        if isinstance(d, CounterDevice):
            link, c = build_counter(cfg, d.id, repeat_guard_s=0.0, timeout_s=10.0)
            link.start()
            counters[d.window] = (link, c)
    for link, _c in counters.values():
        link.wait_for_connection(10)
    for window, (_l, c) in counters.items():
        if not c.press(Action.SIGN_IN, staff=f"S{window}").ok:
            raise SystemExit(f"window {window} did not open: {c.view().note}")
    return counters


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


def press_rounds(cfg, counters, rounds: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
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
        barrier = threading.Barrier(len(counters))
        pressed: dict[str, tuple[float, str | None]] = {}

        threads = [
            threading.Thread(target=_press, args=(barrier, pressed, w, c))
            for w, (_l, c) in counters.items()
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(0.2)  # let the last events arrive
        for window, (t0, ticket) in pressed.items():
            if ticket is None or (window, ticket) not in arrived:
                refused += 1
                continue
            latencies.append(arrived[(window, ticket)] - t0)
    listener.stop()
    return latencies, refused


def _press(barrier, pressed, window, c) -> None:  # type: ignore[no-untyped-def]
    """One staff member's key press, released with all the others by the barrier."""
    barrier.wait()
    t0 = time.perf_counter()
    r = c.press(Action.CALL_NEXT)
    pressed[window] = (t0, (r.reply or {}).get("ticket") if r.ok else None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--n", type=int, default=500, help="raw round trips for the baseline")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-bench-counter-"))
    cfg = private_hall(ROOT / "examples" / "hall.toml", tmp, always_open=True)
    mosq = LocalMosquitto(cfg, tmp / "mosquitto").start()
    cmd = [sys.executable, "-m", "hallq.cli", "--log-file", str(tmp / "broker.log")]
    proc = subprocess.Popen([*cmd, "broker", "--config", cfg.source])
    counters = {}
    try:
        wait_for_service(cfg)
        counters = start_counters(cfg)
        issued = issue_tickets(cfg, args.rounds + 2)
        print(
            f"hallq counter benchmark — {cfg.hall.name}: {len(counters)} windows pressing "
            f"'call next' at once, {args.rounds} rounds, {issued} tickets issued"
        )
        print(
            f"baseline  raw Mosquitto request/reply (QoS 1):     {fmt(raw_round_trip(cfg, args.n))}"
        )
        latencies, refused = press_rounds(cfg, counters, args.rounds)
        print(f"hallq     key press -> event/called, all at once: {fmt(latencies)}")
        print(f"          presses without a call (queue empty or lost): {refused}")
    finally:
        for link, _c in counters.values():
            link.stop()
        proc.terminate()
        proc.wait(timeout=10)
        mosq.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
