"""Issue 14, live: the server machine is gone. The hall runs a Mosquitto on each of its two
server Pis (here: two on 127.0.0.1, two ports, the second bridged to the first, mqtt.hosts),
the primary service with a sync standby, a kiosk (its controller, with leased numbers), six
counters calling and a wall display. kill -9 of the primary AND of the first Mosquitto (its
machine is gone) in the middle of the calling; ``hallq broker promote`` on the standby.

Every device goes over to the other Mosquitto by itself (the seconds are measured and printed,
not asserted), the promoted standby rebuilds the retained state there, nothing acknowledged is
lost, no number is doubled, the display shows each window's last call, and the kiosk printed
offline meanwhile, then handed its tickets to the new primary.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from live_hall import ROOT, LiveHall, wait_online, wait_until
from standby_hall import STANDBY, Burst, check_store_and_displays, promote, with_standby

from app.localmqtt import LocalMosquitto
from hallq import contract as c
from hallq.mqtt import MqttLink
from hallq.service_watch import Reach, ServiceWatch, service_devices
from hallq.state import StateClient
from kiosk import outbox as outbox_module
from kiosk.outcome import OutcomeKind

EXAMPLE = ROOT / "examples" / "hall.toml"
COUNTERS = 6


@pytest.fixture
def hall(tmp_path, monkeypatch):
    monkeypatch.setattr(outbox_module, "SEND_TIMEOUT_S", 1.0)
    cfg = with_standby(EXAMPLE, tmp_path, mosquittos=2)
    first = LocalMosquitto(cfg, tmp_path / "mosquitto").start()
    second = LocalMosquitto(cfg, tmp_path / "mosquitto-b", on=1).start()
    live = LiveHall(cfg, tmp_path, first, second)
    try:
        yield live
    finally:
        live.close()


def wait_bridged(hall) -> None:
    """The second Mosquitto's bridge to the first is up (its notification, on each side)."""
    seen: dict[int, bytes] = {}
    links = []
    for on, mosq in enumerate(hall.mosquittos):
        link = MqttLink(
            "127.0.0.1", mosq.port, hall.cfg.hall.id, "board", hall.cfg.password("board")
        )
        link.subscribe(link.topics.peer_link, lambda _t, p, on=on: seen.__setitem__(on, p))
        link.start()
        links.append(link)
    try:
        wait_until("the two Mosquittos bridged", lambda: seen == {0: b"1", 1: b"1"})
    finally:
        for link in links:
            link.stop()


def wait_in_sync(hall, poke) -> None:
    """The primary's presence (renewed with each commit: ``poke`` makes one) says its
    standby holds everything."""
    state: dict[str, c.Presence] = {}
    watch = hall.link("display-f1")
    watch.subscribe(
        watch.topics.presence("hallq"),
        lambda _t, p: state.__setitem__("p", c.decode(p, c.Presence)),
    )

    def in_sync() -> bool:
        p = state.get("p")
        if p is not None and p.standby is not None and p.standby.in_sync:
            return True
        poke()
        time.sleep(0.3)
        return False

    wait_until("the standby in sync", in_sync)


def test_the_server_machine_gone_devices_move_to_the_other_mosquitto_and_the_standby_serves(  # noqa: PLR0915 (one scenario, step by step)
    hall,
):
    cfg = hall.cfg
    first, second = hall.mosquittos
    wait_bridged(hall)
    primary = hall.broker(name="primary")
    board = hall.client("board")
    wait_online(board)
    hall.broker("--standby", "--id", STANDBY, name="standby")
    counters = [d for d in cfg.devices if d.role == "counter"][:COUNTERS]
    services = sorted({cfg.window(d.window).primary[0] for d in counters})
    issuer = hall.client("kiosk2")
    clients = {d.id: hall.client(d.id) for d in counters}
    for d in counters:
        clients[d.id].send("open", staff=f"s{d.id[-2:]}")
    wait_in_sync(hall, lambda: issuer.send("issue", service=services[0]))
    for _ in range(5):
        for code in services:
            issuer.send("issue", service=code)
    display_link = hall.link("display-hall")
    display_state = StateClient(display_link)
    windows = display_state.follow_windows()
    # what a counter or display judges "service down" by (hallq/service_watch.py)
    watch = ServiceWatch(service_devices(cfg), lambda _up: None, here=lambda: display_link.via)
    watch.follow(display_state, display_link)
    watch.on_connection(True)
    kiosk = hall.kiosk(tick_s=0.3)
    wait_until(
        "the kiosk online with leased numbers",
        lambda: (
            kiosk.c.state.blocked is None
            and kiosk.c.leases.available(
                cfg.service(services[0]).ticket_prefix, kiosk.c.business_day()
            )
            > 0
        ),
    )
    online = kiosk.ticket(services[0])
    assert online.kind is OutcomeKind.PRINTED and not online.offline

    links = {
        "kiosk1": kiosk.link,
        "display-hall": display_link,
        "board": board.link,
        **{d: client.link for d, client in clients.items()},
    }
    assert {link.port for link in links.values()} == {first.port}  # the first, in order

    burst = Burst(clients, issuer, services).start()
    burst.wait_for_calls(20)
    os.kill(primary.pid, signal.SIGKILL)  # the machine is gone: its service ...
    first.kill()  # ... and its Mosquitto, at once
    gone = time.monotonic()
    moved: dict[str, float] = {}

    def all_moved() -> bool:
        for device, link in links.items():
            if device not in moved and link.is_connected and link.port == second.port:
                moved[device] = time.monotonic() - gone
        return len(moved) == len(links)

    wait_until("every device on the other Mosquitto", all_moved)
    # the primary's presence bridged here still says "online", but the bridge is down: the
    # devices show the outage before anyone promotes the standby
    wait_until(
        "the service shown down before the promotion", lambda: watch.reach is Reach.NO_SERVICE
    )

    # the kiosk goes on issuing, offline, before anyone promotes the standby
    wait_until("the kiosk issues offline", lambda: kiosk.c.state.is_offline_issuing)
    offline = [kiosk.ticket(services[0]), kiosk.ticket(services[-1])]
    assert all(o.kind is OutcomeKind.PRINTED and o.offline for o in offline), offline

    promote(cfg)
    wait_until("the service shown back after the promotion", lambda: watch.reach is Reach.OK)
    wait_until("the kiosk's offline tickets taken", lambda: kiosk.c.offline.pending == [], 40)
    killed_at = len(burst.calls)
    burst.wait_for_calls(killed_at + 40)
    burst.finish()
    assert not [e for e in burst.errors if "internal" in e or "timeout" in e.lower()]
    time.sleep(1.0)  # the last retained states arrive

    acked = burst.issued + [online.ticket] + [o.ticket for o in offline]
    check_store_and_displays(cfg, acked, burst.calls, windows)
    fresh = StateClient(hall.link("display-f2")).follow_windows()  # retained, on the second
    wait_until("the retained state rebuilt", lambda: len(fresh.latest) >= len(counters))
    assert {w.epoch for w in fresh.latest.values()} == {1}
    print(
        "\nprimary machine gone -> on the other Mosquitto, s: "
        + ", ".join(f"{d} {s:.2f}" for d, s in sorted(moved.items(), key=lambda kv: kv[1]))
    )
