"""A burst of 76 windows pressing "call next" at once on a busy day: time until the wall display
receives each ``event/called``, beside the raw Mosquitto round trip measured in the same run.

Run: python benchmarks/bench_burst.py [--day 17500] [--bursts 20]

The harness is ONE process and ONE thread (hallq.mqtt.Swarm) with one MQTT connection per
device (76 counters, a kiosk and a display), so it measures the service and Mosquitto rather
than 77 processes, or 77 paho threads, fighting for two cores. Printed beside the figure: the
raw Mosquitto round trip, and the floor: the same bursts answered by a process that only
echoes through paho (no decision, no store), on paho's thread and on one thread. The service
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_command_cost import Sink, fill  # noqa: E402
from harness import fmt, wait_for_service  # noqa: E402

from app.bootstrap import build_broker  # noqa: E402
from app.localmqtt import LocalMosquitto, private_hall  # noqa: E402
from hallq.mqtt import Swarm  # noqa: E402
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
    """76 counters, a kiosk and a display in this one process, on ONE thread (a Swarm): each
    device its own MQTT connection, none with a network thread of its own."""

    def __init__(self, cfg) -> None:
        self.cfg = cfg
        self.counters = [d for d in cfg.devices if d.role == "counter"]
        self.swarm = Swarm.from_config(cfg)
        topics = self.swarm.topics
        self.replies: dict[str, dict] = {}
        for d in [*self.counters, *(k for k in cfg.devices if k.id == "kiosk1")]:
            self.swarm.add(d.id, cfg.password(d.id))
            self.swarm.subscribe(d.id, topics.reply(d.id), self._on_reply)
        self.swarm.add("display-hall", cfg.password("display-hall"))
        self.swarm.subscribe("display-hall", topics.event("called"), self._on_called)
        self.pressed: dict[str, float] = {}
        self.publish_s: list[float] = []  # how long the harness took to publish a burst
        self.seen: dict[str, float] = {}
        self.swarm.run_until(lambda: False, 0.3)  # subscriptions settle

    def _on_called(self, _topic: str, payload: bytes) -> None:
        now = time.perf_counter()
        window = decode_json(payload)["window"]
        if window in self.pressed and window not in self.seen:
            self.seen[window] = now

    def _on_reply(self, _topic: str, payload: bytes) -> None:
        reply = decode_json(payload)
        self.replies[reply.get("id", "")] = reply

    def _ask(self, sends: list[tuple[str, dict]]) -> None:
        """Publish commands back to back; pump until every one is answered (ok)."""
        ids = [body["id"] for _device, body in sends]
        for device, body in sends:
            self.swarm.publish(device, self.swarm.topics.cmd(device), body)
        if not self.swarm.run_until(lambda: all(i in self.replies for i in ids), 10):
            raise SystemExit("the service did not answer every command in 10 s")
        bad = [self.replies[i] for i in ids if not self.replies[i].get("ok")]
        if bad:
            raise SystemExit(f"refused: {bad[0]}")

    def feed(self) -> None:
        """One waiting ticket for every window (a service each window serves first)."""
        self._ask(
            [
                ("kiosk1", _cmd("kiosk1", "issue", service=(w.primary or w.secondary)[0]))
                for w in self.cfg.windows
            ]
        )

    def run(self) -> list[float]:
        self.feed()
        self.swarm.run_until(lambda: False, 0.2)  # the feed's state messages pass
        self.pressed, self.seen = {}, {}
        started = time.perf_counter()
        for d in self.counters:
            self.pressed[d.window] = time.perf_counter()
            self.swarm.publish(d.id, self.swarm.topics.cmd(d.id), _cmd(d.id, "call_next"))
        self.publish_s.append(time.perf_counter() - started)
        self.swarm.run_until(lambda: len(self.seen) == len(self.pressed), 10)
        self._ask([(d.id, _cmd(d.id, "finish")) for d in self.counters])  # the next burst calls
        return [self.seen[w] - t for w, t in self.pressed.items() if w in self.seen]

    def raw_round_trip(self, n: int) -> list[float]:
        """Ping-pong between two more connections of this same Swarm through Mosquitto."""
        root = f"hallq/{self.cfg.hall.id}/bench"
        a = self.swarm.add("hallq", self.cfg.password("hallq"), name="ping")
        b = self.swarm.add("hallq", self.cfg.password("hallq"), name="pong")
        got: list[bool] = []
        self.swarm.subscribe(
            b, f"{root}/ping", lambda t, p: self.swarm.publish(b, f"{root}/pong", p)
        )
        self.swarm.subscribe(a, f"{root}/pong", lambda t, p: got.append(True))
        self.swarm.run_until(lambda: False, 0.3)
        times = []
        for i in range(n):
            got.clear()
            t0 = time.perf_counter()
            self.swarm.publish(a, f"{root}/ping", {"i": i})
            self.swarm.run_until(lambda: bool(got), 5)
            times.append(time.perf_counter() - t0)
        return times

    def stop(self) -> None:
        self.swarm.stop()


_n = [0]


def _cmd(device: str, op: str, **fields) -> dict:
    _n[0] += 1
    return {"id": f"{op[0]}{_n[0]}-{device}", "op": op, **fields}


def batches(log: Path) -> str:
    """The service's own batch sizes and times during the bursts (from its debug log)."""
    import re

    found = re.findall(
        r"batch of (\d+) commands answered in ([\d.]+) ms \(decided ([\d.]+), "
        r"committed ([\d.]+), events ([\d.]+)\)",
        log.read_text(),
    )
    big = [f for f in found if int(f[0]) > 1]
    return ", ".join(f"{n}: {ms} ({d}+{c}+{e})" for n, ms, d, c, e in big[-12:]) or "none"


def swarm_echo(cfg, window_of: dict) -> None:
    """echo_service on one thread (a Swarm connection): paho without its network thread."""
    import select

    swarm = Swarm.from_config(cfg)
    swarm.add("hallq", cfg.password("hallq"), name="echo")
    topics = swarm.topics

    def answer(topic: str, payload: bytes) -> None:
        device = topics.device_of(topic)
        body = decode_json(payload)
        if body.get("op") == "call_next":
            called = {"window": window_of[device], "ticket": "A001"}
            swarm.publish("echo", topics.event("called"), called)
        swarm.publish("echo", topics.reply(device), {"id": body.get("id"), "ok": True})

    swarm.subscribe("echo", topics.cmd("+"), answer)
    print("ready", flush=True)
    while not select.select([sys.stdin], [], [], 0)[0]:
        swarm.pump(0.05)
    swarm.stop()


def echo_service(hall_toml: str, single_thread: bool = False) -> None:
    """The floor under any Python service on this stack: paho's client as the service uses
    it (hallq.mqtt.MqttLink, its network thread, QoS 1), answering every command at once with
    no decision and no store: ``call_next`` -> ``event/called`` for the device's window, then
    the reply. Runs as its own process, like the service."""
    from hallq.config import load_config
    from hallq.mqtt import MqttLink

    cfg = load_config(hall_toml)
    window_of = {d.id: getattr(d, "window", None) for d in cfg.devices}
    if single_thread:
        swarm_echo(cfg, window_of)
        return
    link = MqttLink.from_config(cfg, "hallq")
    topics = link.topics

    def answer(topic: str, payload: bytes) -> None:
        device = topics.device_of(topic)
        body = decode_json(payload)
        if body.get("op") == "call_next":
            link.publish(topics.event("called"), {"window": window_of[device], "ticket": "A001"})
        link.publish(topics.reply(device), {"id": body.get("id"), "ok": True, "op": body["op"]})

    link.subscribe(topics.cmd("+"), answer)
    link.start()
    link.wait_for_connection(10)
    print("ready", flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin (or dies)
    link.stop()


def measure(cfg, bursts: int) -> tuple[list[float], Burst]:
    burst = Burst(cfg)
    burst.run()  # warm-up
    latencies: list[float] = []
    for _ in range(bursts):
        latencies += burst.run()
    return latencies, burst


def floor(cfg, bursts: int, single_thread: bool = False) -> list[float]:
    """The same bursts against echo_service (the hallq service stopped)."""
    echo = subprocess.Popen(
        [sys.executable, __file__, "--echo1" if single_thread else "--echo", cfg.source],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if echo.stdout is None or echo.stdout.readline().strip() != "ready":
            raise SystemExit("the echo service did not start")
        latencies, burst = measure(cfg, bursts)
        burst.stop()
        return latencies
    finally:
        if echo.stdin is not None:
            echo.stdin.close()
        echo.wait(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--day", type=int, default=17_500, help="tickets already in the day")
    ap.add_argument("--bursts", type=int, default=20)
    ap.add_argument("--debug-service", action="store_true", help="log and print its batches")
    ap.add_argument("--echo", metavar="HALL_TOML", help=argparse.SUPPRESS)  # echo_service
    ap.add_argument("--echo1", metavar="HALL_TOML", help=argparse.SUPPRESS)  # on one thread
    args = ap.parse_args()
    if args.echo or args.echo1:
        echo_service(args.echo or args.echo1, single_thread=bool(args.echo1))
        return 0
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
        latencies, burst = measure(cfg, args.bursts)
        publish_s = burst.publish_s  # kept: burst is stopped before the floor runs
        raw = burst.raw_round_trip(300)
        burst.stop()
        burst = None
        proc.terminate()
        proc.wait(timeout=10)
        echo = floor(cfg, args.bursts)
        echo1 = floor(cfg, args.bursts, single_thread=True)
        print(f"{len(cfg.windows)} windows, day of {args.day:,} tickets, {args.bursts} bursts")
        print(f"baseline  raw Mosquitto round trip (QoS 1):     {fmt(raw)}")
        print(f"floor     paho echo service, no decision/store:  {fmt(echo)}")
        print(f"floor     the same on one thread (no paho thread): {fmt(echo1)}")
        print(f"hallq     call_next -> event/called at display: {fmt(latencies)}")
        print(f"harness   publishing the 76 presses of a burst:  {fmt(publish_s)}")
        if args.debug_service:
            print(f"service   batches (commands: ms (decide+commit+events)): {batches(log)}")
        print("goal: p99 <= 10 ms")
        print(f"service log: {log}")
    finally:
        if burst is not None:
            burst.stop()
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        mosq.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
