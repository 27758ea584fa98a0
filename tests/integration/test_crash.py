"""kill -9 of the broker service in the middle of a burst of issues: no acknowledged ticket
is lost, none is duplicated, and numbering carries on after the restart."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

from hallq.client import CommandError
from hallq.store import EventStore


def start_broker(cfg_path):
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "broker", "--config", str(cfg_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_online(client, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return client.send("status", timeout=0.5, retries=0)
        except CommandError:
            time.sleep(0.1)
    raise AssertionError("broker service did not come up")


def test_kill_9_during_a_burst_loses_no_acknowledged_ticket(mosquitto, device):
    cfg = mosquitto.cfg
    proc = start_broker(cfg.source)
    try:
        _, kc = device("kiosk1")
        _, cc = device("counter1")
        wait_online(cc)
        cc.send("open")
        acked: list[str] = []
        stop = threading.Event()

        def burst():
            while not stop.is_set():
                try:
                    acked.append(kc.send("issue", service="rs01", timeout=0.5, retries=0).ticket)
                except CommandError:
                    time.sleep(0.02)

        worker = threading.Thread(target=burst)
        worker.start()
        while len(acked) < 40:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # mid-burst, no goodbye
        proc.wait()
        killed_at = len(acked)
        time.sleep(0.5)
        proc = start_broker(cfg.source)
        wait_online(cc)
        while len(acked) < killed_at + 20:
            time.sleep(0.01)
        stop.set()
        worker.join()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    store = EventStore(cfg.resolve(cfg.device("hallq").store)).open()
    issued = [e.data["ticket"] for e in store.events() if e.kind == "ticket_issued"]
    store.close()
    assert set(acked) <= set(issued), "an acknowledged ticket was lost"
    assert not [t for t, n in Counter(issued).items() if n > 1], "a number was issued twice"
    assert len(set(acked)) == len(acked)
    numbers = sorted(int(t[1:]) for t in issued)
    assert numbers == list(range(1, len(numbers) + 1))  # numbering continued, no gap reuse
