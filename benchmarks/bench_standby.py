"""Standby benchmark (issue 14): what a sync standby costs, and how fast it takes over.

Prints, in one run: the issue round trip p50/p99 with the primary alone (the baseline) and
with a sync standby (replies wait until the standby holds the rows on its disk); the time
from kill -9 of the primary to the first reply of the standby, promoted at once with
``hallq broker promote``; the same when the primary's whole machine is gone (its service and
its Mosquitto killed, the hall's two Mosquittos in ``mqtt.hosts``): kill -> first reply of the
promoted standby, reached through the other Mosquitto; and the time from a Mosquitto restart
to a device connected again with the retained state rebuilt.

Run: python benchmarks/bench_standby.py [--n 300]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import fmt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from live_hall import broker_process, wait_online
from standby_hall import STANDBY, promote, with_standby

from app.localmqtt import LocalMosquitto
from hallq.client import CommandClient, CommandError
from hallq.mqtt import MqttLink
from hallq.state import StateClient

ROOT = Path(__file__).resolve().parent.parent


def client(cfg, device: str) -> CommandClient:
    link = MqttLink.from_config(cfg, device)
    c = CommandClient(link)
    link.start()
    if not link.wait_for_connection(10):
        raise SystemExit(f"{device} could not connect")
    return c


def issues(kiosk: CommandClient, code: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        kiosk.send("issue", service=code)
        times.append(time.perf_counter() - t0)
    return times


def first_reply_after_death(cfg, primary: subprocess.Popen, probe: CommandClient) -> float:
    os.kill(primary.pid, signal.SIGKILL)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "app.cli", "broker", "promote", "--config", str(cfg.source)]
    subprocess.run([*cmd, "--id", STANDBY], cwd=ROOT, check=True, capture_output=True)
    while True:
        try:
            probe.send("status", timeout=0.2, retries=0)
            return time.perf_counter() - t0
        except CommandError:
            pass


def machine_gone(tmp: Path) -> float:
    """Two Mosquittos (mqtt.hosts), primary + sync standby; kill -9 the primary and the first
    Mosquitto at once, promote at once: seconds until a device, moved over to the second
    Mosquitto by itself, has the promoted standby's first reply."""
    cfg = with_standby(ROOT / "examples" / "hall.toml", tmp, mosquittos=2)
    first = LocalMosquitto(cfg, tmp / "mosquitto").start()
    second = LocalMosquitto(cfg, tmp / "mosquitto-b", on=1).start()
    time.sleep(2)  # the bridge connects
    primary = broker_process(cfg, log=tmp / "primary.log")
    standby = None
    try:
        kiosk, counter, probe = (
            client(cfg, "kiosk1"),
            client(cfg, "counter01"),
            client(cfg, "board"),
        )
        wait_online(kiosk)
        standby = broker_process(cfg, "--standby", "--id", STANDBY, log=tmp / "standby.log")
        counter.send("open", staff="bench")
        issues(kiosk, cfg.window(cfg.device("counter01").window).primary[0], 20)
        time.sleep(3)  # joins, catches up, in sync
        os.kill(primary.pid, signal.SIGKILL)
        first.kill()
        t0 = time.perf_counter()
        promote(cfg)
        while True:
            try:
                probe.send("status", timeout=0.2, retries=0)
                return time.perf_counter() - t0
            except CommandError:
                time.sleep(0.01)  # offline (moving over) refuses at once
    finally:
        for proc in (primary, standby):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
        second.stop()
        first.stop()


def mosquitto_restart(cfg, mosq: LocalMosquitto) -> float:
    link = MqttLink.from_config(cfg, "display-hall")
    windows = StateClient(link).follow_windows()
    link.start()
    link.wait_for_connection(10)
    time.sleep(0.5)
    mosq.kill()
    time.sleep(10)  # paho's back-off at its maximum
    windows.latest.clear()
    t0 = time.perf_counter()
    mosq.start()
    while not windows.latest:
        time.sleep(0.01)
    took = time.perf_counter() - t0
    link.stop()
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-bench-standby-"))
    cfg = with_standby(ROOT / "examples" / "hall.toml", tmp)
    mosq = LocalMosquitto(cfg, tmp / "mosquitto").start()
    primary = broker_process(cfg, log=tmp / "primary.log")
    standby = None
    try:
        kiosk, counter = client(cfg, "kiosk1"), client(cfg, "counter01")
        wait_online(kiosk)
        counter.send("open", staff="bench")
        code = cfg.window(cfg.device("counter01").window).primary[0]
        issues(kiosk, code, 20)  # warm up
        alone = issues(kiosk, code, args.n)
        standby = broker_process(cfg, "--standby", "--id", STANDBY, log=tmp / "standby.log")
        time.sleep(3)  # joins, catches up, in sync
        with_sync = issues(kiosk, code, args.n)
        print(f"hallq standby benchmark — {cfg.hall.name}, {len(cfg.windows)} windows")
        print(f"baseline  issue round trip, primary alone:     {fmt(alone)}")
        print(f"hallq     issue round trip, sync standby:      {fmt(with_sync)}")
        took = first_reply_after_death(cfg, primary, client(cfg, "board"))
        print(
            f"hallq     kill -9 of primary -> promote -> first reply of the standby: {took:.2f} s"
        )
        back = mosquitto_restart(cfg, mosq)
        print(f"hallq     Mosquitto restart -> device reconnected, state rebuilt: {back:.2f} s")
        gone = machine_gone(tmp / "two-mosquittos")
        print(
            "hallq     primary machine gone (service + its Mosquitto) -> promote -> first "
            f"reply via the other Mosquitto: {gone:.2f} s"
        )
    finally:
        for proc in (primary, standby):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
        mosq.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
