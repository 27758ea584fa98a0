"""A burst of 76 windows pressing "call next" at once on a busy day: time until the wall display
receives each ``event/called``, beside the raw Mosquitto round trip measured in the same run.

Run: python benchmarks/bench_burst.py [--day 17500] [--bursts 20]

The harness is ONE process with one MQTT client per device (76 counters and a display), so it
measures the service and Mosquitto rather than 77 processes fighting for two cores. The service
runs as its own process (``hallq broker``) on a store prefilled with a day of ``--day`` tickets
of the example hall. Before each burst every window has a waiting ticket (the kiosk issues them);
then all 76 counters publish ``call_next`` back to back, and the latency of a window's call is
display receipt - that counter's publish.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_command_cost import Sink, fill  # noqa: E402
from harness import connect, fmt, raw_round_trip, wait_for_service  # noqa: E402

from app.bootstrap import build_broker  # noqa: E402
from app.localmqtt import LocalMosquitto, private_hall  # noqa: E402
from hallq.client import CommandClient, CommandError  # noqa: E402
from hallq.protocol import decode_json, encode  # noqa: E402


def prefill(cfg, tickets: int) -> None:
    """Write a busy day into the service's store before the service starts."""
    clock = [time.time() - 6 * 3600]
    service = build_broker(cfg, with_link=False, clock=lambda: clock[0])
    service.link = Sink()  # type: ignore[assignment]
    service.load()
    counters = [d for d in cfg.devices if d.role == "counter"]
    kiosk = next(d.id for d in cfg.devices if d.role == "kiosk")
    for d in counters:
        service.handle(d.id, encode({"id": "open0", "op": "open", "staff": f"S{d.id[-2:]}"}))
    fill(service, [kiosk, counters, [s.code for s in cfg.services]], clock, tickets)
    for d in counters:  # the windows' current tickets are finished: a clean start
        service.handle(d.id, encode({"id": "finish0", "op": "finish"}))
    service.store.close()


class Burst:
    """76 counters and a display in this one process."""

    def __init__(self, cfg) -> None:
        self.cfg = cfg
        self.counters = [d for d in cfg.devices if d.role == "counter"]
        self.windows = {d.id: d.window for d in self.counters}
        self.links = {d.id: connect(cfg, d.id) for d in self.counters}
        self.kiosk = CommandClient(connect(cfg, "kiosk1"))
        self.display = connect(cfg, "display-hall")
        self.pressed: dict[str, float] = {}
        self.publish_s: list[float] = []  # how long the harness took to publish a burst
        self.seen: dict[str, float] = {}
        self.all_seen = threading.Event()
        self.display.subscribe(self.display.topics.event("called"), self._on_called)
        time.sleep(0.5)

    def _on_called(self, _topic: str, payload: bytes) -> None:
        now = time.perf_counter()
        window = decode_json(payload)["window"]
        if window in self.pressed and window not in self.seen:
            self.seen[window] = now
            if len(self.seen) == len(self.pressed):
                self.all_seen.set()

    def feed(self) -> None:
        """One waiting ticket for every window (a service each window serves first)."""
        for w in self.cfg.windows:
            code = (w.primary or w.secondary)[0]
            try:
                self.kiosk.send("issue", service=code, timeout=5)
            except CommandError as exc:
                raise SystemExit(f"cannot issue {code} for {w.id}: {exc}") from exc

    def run(self) -> list[float]:
        self.feed()
        time.sleep(0.3)
        self.pressed, self.seen = {}, {}
        self.all_seen.clear()
        started = time.perf_counter()
        for d in self.counters:
            self.pressed[d.window] = time.perf_counter()
            self.links[d.id].publish(self.links[d.id].topics.cmd(d.id), _call_next(d.id))
        self.publish_s.append(time.perf_counter() - started)
        self.all_seen.wait(10)
        for d in self.counters:  # finish, so the next burst calls again
            self.links[d.id].publish(self.links[d.id].topics.cmd(d.id), _finish(d.id))
        time.sleep(0.5)
        return [self.seen[w] - t for w, t in self.pressed.items() if w in self.seen]

    def stop(self) -> None:
        for link in [*self.links.values(), self.kiosk.link, self.display]:
            link.stop()


_n = [0]


def _call_next(device: str) -> dict:
    _n[0] += 1
    return {"id": f"b{_n[0]}-{device}", "op": "call_next"}


def _finish(device: str) -> dict:
    _n[0] += 1
    return {"id": f"f{_n[0]}-{device}", "op": "finish"}


def batches(log: Path) -> str:
    """The service's own batch sizes and times during the bursts (from its debug log)."""
    import re

    found = re.findall(r"batch of (\d+) commands answered in ([\d.]+) ms", log.read_text())
    big = [(int(n), float(ms)) for n, ms in found if int(n) > 1]
    return ", ".join(f"{n}: {ms:.1f}" for n, ms in big[-12:]) or "none"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--day", type=int, default=17_500, help="tickets already in the day")
    ap.add_argument("--bursts", type=int, default=20)
    ap.add_argument("--debug-service", action="store_true", help="log and print its batches")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-burst-"))
    cfg = private_hall(ROOT / "examples" / "hall.toml", tmp, always_open=True)
    print(f"prefilling a day of {args.day:,} tickets ...", flush=True)
    prefill(cfg, args.day)
    mosq = LocalMosquitto(cfg, tmp / "mosquitto").start()
    log = tmp / "broker.log"
    cmd = [sys.executable, "-m", "app.cli", "--log-file", str(log), "broker", "--config"]
    if args.debug_service:
        cmd.insert(3, "-v")
    proc = subprocess.Popen([*cmd, cfg.source])
    burst = None
    try:
        wait_for_service(cfg)
        raw = raw_round_trip(cfg, 300)
        burst = Burst(cfg)
        burst.run()  # warm-up
        latencies: list[float] = []
        for _ in range(args.bursts):
            latencies += burst.run()
        print(f"{len(cfg.windows)} windows, day of {args.day:,} tickets, {args.bursts} bursts")
        print(f"baseline  raw Mosquitto round trip (QoS 1):     {fmt(raw)}")
        print(f"hallq     call_next -> event/called at display: {fmt(latencies)}")
        print(f"harness   publishing the 76 presses of a burst:  {fmt(burst.publish_s)}")
        if args.debug_service:
            print(f"service   batches (commands, ms): {batches(log)}")
        print("goal: p99 <= 10 ms")
        print(f"service log: {log}")
    finally:
        if burst is not None:
            burst.stop()
        proc.terminate()
        proc.wait(timeout=10)
        mosq.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
