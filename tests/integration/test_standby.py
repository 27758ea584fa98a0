"""Issue 14, live: a second service refuses; a sync standby survives kill -9 of the primary
during a burst of 76 windows calling, promoted in one command, with nothing acknowledged lost,
no number doubled and displays consistent with the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from standby_hall import (
    ROOT,
    STANDBY,
    broker_process,
    send_until_answered,
    wait_online,
    with_standby,
)

from app.localmqtt import LocalMosquitto
from broker.instance import EXIT_ALREADY_RUNNING
from broker.store_meta import read_epoch_file
from hallq.client import CommandClient, CommandError
from hallq.mqtt import MqttLink
from hallq.state import StateClient
from hallq.store import EventStore

EXAMPLE = ROOT / "examples" / "hall.toml"
SMALL = ROOT / "tests" / "data" / "hall.toml"


@pytest.fixture
def hall(tmp_path):
    cfg = with_standby(EXAMPLE, tmp_path)
    mosq = LocalMosquitto(cfg, tmp_path / "mosquitto").start()
    links: list[MqttLink] = []
    procs: list[subprocess.Popen] = []

    class Hall:
        def __init__(self) -> None:
            self.cfg, self.tmp, self.mosquitto = cfg, tmp_path, mosq

        def link(self, device: str) -> MqttLink:
            link = MqttLink.from_config(cfg, device)
            link.start()
            assert link.wait_for_connection(10), device
            links.append(link)
            return link

        def client(self, device: str) -> CommandClient:
            link = MqttLink.from_config(cfg, device)
            client = CommandClient(link)
            link.start()
            assert link.wait_for_connection(10), device
            links.append(link)
            return client

        def broker(self, *args: str, name: str = "primary") -> subprocess.Popen:
            proc = broker_process(cfg, *args, log=tmp_path / f"{name}.log")
            procs.append(proc)
            return proc

    try:
        yield Hall()
    finally:
        for link in links:
            link.stop()
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
        mosq.stop()


def _issued(store_path: Path) -> list[str]:
    store = EventStore(store_path).open()
    try:
        return [e.data["ticket"] for e in store.events() if e.kind == "ticket_issued"]
    finally:
        store.close()


def test_a_second_service_refuses_and_nothing_is_doubled(hall):
    primary = hall.broker()
    kiosk = hall.client("kiosk1")
    wait_online(kiosk)
    replies: list[bytes] = []
    watch = hall.link("hallq")  # the service's own credentials may read every reply
    watch.subscribe(watch.topics.reply("kiosk1"), lambda t, p: replies.append(p))
    time.sleep(0.3)

    same_store = hall.broker(name="second")  # same device, same store
    _out, err = same_store.communicate(timeout=30)
    assert same_store.returncode == EXIT_ALREADY_RUNNING, err
    assert "another hallq broker" in err and "另一个排队服务" in err

    other_store = hall.broker("--id", STANDBY, name="third")  # own store, same hall
    _out, err = other_store.communicate(timeout=30)
    assert other_store.returncode == EXIT_ALREADY_RUNNING, err
    assert "serving this hall" in err

    counter = hall.cfg.device("counter01")
    hall.client("counter01").send("open")
    code = hall.cfg.window(counter.window).primary[0]
    tickets = [kiosk.send("issue", service=code).ticket for _ in range(20)]
    time.sleep(0.5)
    assert len(replies) == 20, f"{len(replies)} replies to 20 issues"
    assert len(set(tickets)) == 20
    assert primary.poll() is None


class Burst:
    """76 windows pressing "call next" and a kiosk issuing, each command retried with its
    own id until answered (across the failover); what was acknowledged is recorded."""

    def __init__(self, clients: dict[str, CommandClient], kiosk: CommandClient, services):
        self.clients, self.kiosk, self.services = clients, kiosk, services
        self.issued: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._window, args=(d,)) for d in clients]
        self.threads.append(threading.Thread(target=self._kiosk))

    def start(self) -> Burst:
        for t in self.threads:
            t.start()
        return self

    def wait_for_calls(self, n: int) -> None:
        while len(self.calls) < n:
            time.sleep(0.01)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def _window(self, device: str) -> None:
        while not self.stop.is_set():
            try:
                r = send_until_answered(self.clients[device], "call_next", deadline_s=40)
                self.calls.append((r.window, r.ticket))
            except CommandError as exc:
                if "queue_empty" not in str(getattr(exc, "reply", "")):
                    self.errors.append(f"{device}: {exc}")
                time.sleep(0.2)

    def _kiosk(self) -> None:
        i = 0
        while not self.stop.is_set():
            code = self.services[i % len(self.services)]
            try:
                r = send_until_answered(self.kiosk, "issue", deadline_s=40, service=code)
                self.issued.append(r.ticket)
            except CommandError as exc:
                self.errors.append(f"kiosk: {exc}")
            i += 1


def test_kill_9_of_the_primary_during_a_76_window_burst_with_a_sync_standby(hall):
    cfg = hall.cfg
    primary = hall.broker()
    wait_online(hall.client("board"))
    standby = hall.broker("--standby", "--id", STANDBY, name="standby")
    time.sleep(2.5)  # it joins: catch-up, then in sync
    counters = [d for d in cfg.devices if d.role == "counter"]
    assert len(counters) == 76
    clients = {d.id: hall.client(d.id) for d in counters}
    kiosk = hall.client("kiosk1")
    for d in counters:
        clients[d.id].send("open", staff=f"s{d.id[-2:]}")
    services = sorted({cfg.window(d.window).primary[0] for d in counters})
    for _ in range(3):
        for code in services:
            kiosk.send("issue", service=code)
    windows = StateClient(hall.link("display-hall")).follow_windows()

    burst = Burst(clients, kiosk, services).start()
    burst.wait_for_calls(100)
    os.kill(primary.pid, signal.SIGKILL)  # mid-burst, no goodbye
    primary.wait()
    killed_at = len(burst.calls)
    _promote(cfg)
    burst.wait_for_calls(killed_at + 100)
    burst.finish()
    assert not [e for e in burst.errors if "internal" in e or "timeout" in e.lower()]
    time.sleep(1.0)  # the last retained states arrive
    _check_store_and_displays(cfg, burst.issued, burst.calls, windows)
    assert standby.poll() is None


def _promote(cfg) -> None:
    cmd = [sys.executable, "-m", "app.cli", "broker", "promote", "--config", str(cfg.source)]
    promote = subprocess.run(
        [*cmd, "--id", STANDBY], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    assert promote.returncode == 0, promote.stderr
    assert "promoted" in promote.stdout


def _check_store_and_displays(cfg, acked_issue, acked_calls, windows) -> None:
    store_path = cfg.resolve(cfg.device(STANDBY).store)
    assert read_epoch_file(str(store_path)) == 1
    issued = _issued(store_path)
    assert set(acked_issue) <= set(issued), "an acknowledged ticket was lost"
    assert not [t for t, n in Counter(issued).items() if n > 1], "a number was issued twice"
    store = EventStore(store_path).open()
    calls = [
        (e.data["window"], e.data["ticket"]) for e in store.events() if e.kind == "ticket_called"
    ]
    store.close()
    assert set(acked_calls) <= set(calls), "an acknowledged call was lost"
    assert len(set(t for _w, t in calls)) == len(calls), "a ticket was called twice"
    last_call = {}
    for w, t in calls:
        last_call[w] = t
    for w, t in last_call.items():
        shown = windows.get(w)
        assert shown is not None and shown.ticket == t, (w, t, shown)
        assert shown.epoch == 1
