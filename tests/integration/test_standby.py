"""Issue 14, live: a second service refuses; a sync standby survives kill -9 of the primary
during a burst of 76 windows calling, promoted in one command, with nothing acknowledged lost,
no number doubled and displays consistent with the store."""

from __future__ import annotations

import os
import signal
import time

import pytest
from live_hall import ROOT, LiveHall, wait_online
from standby_hall import STANDBY, Burst, check_store_and_displays, promote, with_standby

from app.localmqtt import LocalMosquitto
from broker.instance import EXIT_ALREADY_RUNNING
from hallq.state import StateClient

EXAMPLE = ROOT / "examples" / "hall.toml"
SMALL = ROOT / "tests" / "data" / "hall.toml"


@pytest.fixture
def hall(tmp_path):
    cfg = with_standby(EXAMPLE, tmp_path)
    live = LiveHall(cfg, tmp_path, LocalMosquitto(cfg, tmp_path / "mosquitto").start())
    try:
        yield live
    finally:
        live.close()


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
    promote(cfg)
    burst.wait_for_calls(killed_at + 100)
    burst.finish()
    assert not [e for e in burst.errors if "internal" in e or "timeout" in e.lower()]
    time.sleep(1.0)  # the last retained states arrive
    check_store_and_displays(cfg, burst.issued, burst.calls, windows)
    assert standby.poll() is None
