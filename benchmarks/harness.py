"""What the latency benchmarks share: connecting devices, waiting for the service, the raw
Mosquitto round trip printed beside every figure, and one way of printing latencies."""

from __future__ import annotations

import threading
import time
from typing import Any

from hallq.client import CommandClient, CommandError
from hallq.core.percentile import percentile
from hallq.mqtt import MqttLink


def fmt(values: list[float]) -> str:
    """Seconds as p50 / p99 / max in milliseconds, with the count."""
    ms = [v * 1000 for v in values]
    if not ms:
        return "(no samples)"
    p50, p99 = percentile(ms, 50) or 0.0, percentile(ms, 99) or 0.0
    return f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   max {max(ms):6.2f} ms   (n={len(ms)})"


def connect(cfg: Any, device: str) -> MqttLink:
    """A started, connected link for ``device`` (or exit saying which could not connect)."""
    link = MqttLink.from_config(cfg, device)
    link.start()
    if not link.wait_for_connection(10):
        raise SystemExit(f"{device} could not connect")
    return link


def wait_for_service(cfg: Any, probe_device: str = "kiosk2", tries: int = 200) -> None:
    """Until the broker service (a child process) answers a status command."""
    probe = connect(cfg, probe_device)
    client = CommandClient(probe)
    try:
        for _ in range(tries):
            try:
                client.send("status", timeout=0.5, retries=0)
                return
            except CommandError:
                time.sleep(0.1)
        raise SystemExit("the service did not answer")
    finally:
        probe.stop()


def raw_round_trip(cfg: Any, n: int) -> list[float]:
    """Ping-pong between two clients through Mosquitto: the floor under any command."""
    a, b = connect(cfg, "hallq"), connect(cfg, "hallq")
    root = f"hallq/{cfg.hall.id}/bench"
    got = threading.Event()
    b.subscribe(f"{root}/ping", lambda t, p: b.publish(f"{root}/pong", p))
    a.subscribe(f"{root}/pong", lambda t, p: got.set())
    time.sleep(0.3)
    times = []
    for i in range(n):
        got.clear()
        t0 = time.perf_counter()
        a.publish(f"{root}/ping", {"i": i})
        got.wait(5)
        times.append(time.perf_counter() - t0)
    a.stop()
    b.stop()
    return times
