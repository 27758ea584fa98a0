"""Issue 14's parts without a network: sd_notify, the watchdog, the store lock, the hall's
claim over a (fake) MQTT link, and the epoch stamped on what a service publishes."""

from __future__ import annotations

import socket

import pytest

from broker.claim import HallClaim
from broker.ha import HighAvailability
from broker.instance import AlreadyRunning, StoreLock, read_holder
from hallq import contract as c
from hallq.fakes import FakeLink
from hallq.sdnotify import Notifier, Watchdog


@pytest.fixture
def systemd(tmp_path):
    """A datagram socket standing in for systemd's notify socket."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(1)
    try:
        yield str(path), sock
    finally:
        sock.close()


def test_notifier_sends_ready_and_watchdog_to_notify_socket(systemd):
    path, sock = systemd
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"})
    assert n.watchdog_s == 4.0
    assert n.ready("primary")
    assert sock.recv(100) == b"READY=1\nSTATUS=primary"


def test_notifier_without_systemd_does_nothing():
    n = Notifier({})
    assert not n.ready() and n.watchdog_s is None


def test_watchdog_is_silent_while_one_loop_is_stuck(systemd):
    path, sock = systemd
    now = [0.0]
    dog = Watchdog(
        Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"}), clock=lambda: now[0]
    )
    now[0] = 1.0
    assert dog.beat("tick")  # every loop fresh: WATCHDOG=1
    assert sock.recv(100) == b"WATCHDOG=1"
    sent = []
    for _ in range(6):  # the tick loop hangs from here on; the worker spins on
        now[0] += 0.5
        sent.append(dog.beat("worker"))
    # at most every 1 s (a quarter of 4 s), and never once tick is > 2 s (half) silent
    assert sent == [False, True, False, True, False, False]


def test_a_second_lock_on_one_store_is_refused_and_released_by_the_first(tmp_path):
    first = StoreLock(tmp_path / "hallq.db").acquire()
    with pytest.raises(AlreadyRunning, match="another hallq broker"):
        StoreLock(tmp_path / "hallq.db").acquire()
    assert read_holder(first.path)["mode"] == "primary"
    first.release()
    StoreLock(tmp_path / "hallq.db").acquire().release()


def test_a_live_holder_answers_the_probe_and_the_newcomer_refuses():
    link = FakeLink(device="hallq")
    link.start()
    fenced: list[c.ServiceLock] = []
    holder = HallClaim(link, link.topics, "hallq", when_fenced=fenced.append)
    holder.attach()
    holder.claim(0, wait_s=0.1)
    newcomer = HallClaim(link, link.topics, "hallq", when_fenced=fenced.append)
    newcomer.attach()
    with pytest.raises(AlreadyRunning, match="serving this hall"):
        newcomer.claim(0, wait_s=0.1)
    assert holder.held and not fenced


def test_a_dead_holder_s_lock_does_not_stop_a_restart_but_a_newer_epoch_does():
    link = FakeLink(device="hallq")
    link.start()
    old = c.ServiceLock(instance="hallq-dead", epoch=0)
    link.deliver(link.topics.service_lock, old, retain=True)
    restarted = HallClaim(link, link.topics, "hallq", when_fenced=lambda lock: None)
    restarted.attach()
    restarted.claim(0, wait_s=0.1)  # nobody answers the probe: the old lock is a dead one
    assert restarted.held
    returning = HallClaim(FakeLink(device="hallq"), link.topics, "hallq", when_fenced=print)
    returning.link.start()
    returning.link.deliver(
        link.topics.service_lock, c.ServiceLock(instance="b", epoch=2), retain=True
    )
    returning.attach()
    with pytest.raises(AlreadyRunning, match="taken over at epoch 2"):
        returning.claim(1, wait_s=0.1)


def test_a_holder_that_sees_a_newer_epoch_is_fenced():
    link = FakeLink(device="hallq")
    link.start()
    fenced: list[c.ServiceLock] = []
    holder = HallClaim(link, link.topics, "hallq", when_fenced=fenced.append)
    holder.attach()
    holder.claim(0, wait_s=0.05)
    link.deliver(
        link.topics.service_lock, c.ServiceLock(instance="hallq-b-1", epoch=1), retain=True
    )
    assert [f.epoch for f in fenced] == [1] and not holder.held


def test_the_epoch_is_stamped_on_every_published_payload():
    ha = HighAvailability.off()
    ha.epoch = 3
    assert ha.stamp(c.WindowState(window="w1")).epoch == 3
    assert ha.stamp(c.CalledEvent(ticket="A001", window="w1")).epoch == 3
    assert ha.stamp({"id": "x", "ok": True}) == {"id": "x", "ok": True}  # replies: as they are


def test_readers_drop_state_from_an_older_epoch():
    from hallq.state import StateClient

    link = FakeLink(device="display1")
    link.start()
    windows = StateClient(link).follow_windows()
    topic = link.topics.window("w1")
    link.deliver(topic, c.WindowState(window="w1", ticket="A007", epoch=1), retain=True)
    link.deliver(topic, c.WindowState(window="w1", ticket="A003", epoch=0), retain=True)
    assert windows.get("w1").ticket == "A007"  # the fenced old primary's late message


def test_when_the_two_mosquittos_join_again_the_acting_service_has_the_last_word():
    """They swapped retained messages on meeting, perhaps older than the service's: the
    acting service publishes its lock, presence and state again (broker/peer.py)."""
    import threading

    link = FakeLink(device="hallq")
    link.start()
    service = type("Service", (), {})()
    service.link, service.topics, service._republish = link, link.topics, threading.Event()
    ha = HighAvailability()
    ha.service = service
    ha.claim = HallClaim(link, link.topics, "hallq", when_fenced=lambda lock: None)
    ha.claim.take(2)
    link.subscribe(link.topics.peer_link, ha._on_peer_link)
    link.published.clear()
    link.deliver(link.topics.peer_link, b"1", retain=True)
    assert not service._republish.is_set() and not link.published  # a standby stays silent
    ha.active.set()
    link.deliver(link.topics.peer_link, b"0", retain=True)
    assert not service._republish.is_set()  # the other one went away: nothing to correct
    link.deliver(link.topics.peer_link, b"1", retain=True)
    assert service._republish.is_set()
    assert [t for t, _p in link.published] == [
        link.topics.service_lock,
        link.topics.presence("hallq"),
    ]


@pytest.mark.parametrize("standby", [False, True])
def test_the_first_presence_already_says_primary_or_standby(hall_cfg, standby):
    """Set before the link connects: devices never see a service presence without its mode
    (service_watch trusts only an explicit primary while the bridge is down)."""
    from app.bootstrap import build_broker
    from hallq.fakes import FakeLink

    service = build_broker(hall_cfg, standby=standby)  # its MqttLink is never started
    service.link = FakeLink(hall_cfg.hall.id, device="hallq")  # offline: nothing sent yet
    try:
        service.open_store()
        assert service.link.presence["mode"] == ("standby" if standby else "primary")
        assert "epoch" in service.link.presence
    finally:
        service.store.close()
        service.ha.stop()


def test_only_a_sync_standby_makes_commits_wait_for_mqtt():
    from broker.ha import HighAvailability
    from broker.replication import Shipper
    from hallq import contract as c

    ha = HighAvailability()
    assert not ha.commit_waits_for_mqtt()  # no shipper
    ha.shipper = Shipper.__new__(Shipper)
    ha.shipper.standby = None
    assert not ha.commit_waits_for_mqtt()  # no standby has joined
    for sync in (False, True):
        ha.shipper.standby = c.ReplNeed(device="hallq-b", instance="x", seq=0, cmds=0, sync=sync)
        assert ha.commit_waits_for_mqtt() is sync
