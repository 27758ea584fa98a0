"""The broker service through a real Mosquitto: the public contract end to end."""

import json
import queue
import time

from hallq.client import CommandClient
from hallq.mqtt import MqttLink
from hallq.protocol import Topics


def collect(link: MqttLink, topic_filter: str) -> "queue.Queue[tuple[str, dict]]":
    q: queue.Queue = queue.Queue()
    link.subscribe(topic_filter, lambda t, p: q.put((t, json.loads(p) if p else None)))
    return q


def next_msg(q, timeout=5.0, match=lambda t, m: True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            t, m = q.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if match(t, m):
            return t, m
    raise AssertionError("expected message did not arrive")


def test_issue_call_event_and_retained_state(broker, device):
    topics = Topics("testhall")
    display, _ = device("display1")
    calls = collect(display, topics.event("called"))
    _kiosk, kc = device("kiosk1")
    _counter, cc = device("counter1")
    cc.send("open", staff="s007")
    ticket = kc.send("issue", service="rs01").ticket
    called = cc.send("call_next")
    assert called.ticket == ticket == "A001"
    _, event = next_msg(calls)
    assert event["ticket"] == "A001" and event["window_name"] == "1号窗口"
    assert event["recall"] is False
    cc.send("recall")
    _, again = next_msg(calls)
    assert again["recall"] is True and again["calls"] == 2
    # a device that connects later gets the retained state at once
    led, _ = device("led1")
    windows = collect(led, topics.window("w1"))
    services = collect(led, topics.service("rs01"))
    _, w = next_msg(windows, match=lambda t, m: m["ticket"] == "A001")
    assert w["status"] == "open" and w["staff"] == "s007"
    _, s = next_msg(services)
    assert s["issued_today"] == 1 and s["waiting"] == 0


def test_a_redelivered_command_gets_the_same_reply(broker, device):
    topics = Topics("testhall")
    kiosk, _ = device("kiosk1")
    _counter, cc = device("counter2")
    cc.send("open")
    replies = collect(kiosk, topics.reply("kiosk1"))
    raw = {"id": "dup-1", "op": "issue", "service": "bdc01"}
    kiosk.publish(topics.cmd("kiosk1"), raw)
    kiosk.publish(topics.cmd("kiosk1"), raw)
    _, first = next_msg(replies)
    _, second = next_msg(replies)
    assert first == second and first["ticket"] == "B001"
    assert broker.service.engine.issued["bdc01"] == 1


def test_bad_payloads_through_mqtt_get_error_replies(broker, device):
    topics = Topics("testhall")
    kiosk, _ = device("kiosk1")
    replies = collect(kiosk, topics.reply("kiosk1"))
    kiosk.publish(topics.cmd("kiosk1"), b"\xff\xfe garbage")
    _, r = next_msg(replies)
    assert r == {
        "id": None,
        "ok": False,
        "error": "bad_json",
        "message": r["message"],
        "opens_at": None,
    }
    kiosk.publish(topics.cmd("kiosk1"), {"id": "q", "op": "issue", "service": ["x"]})
    _, r = next_msg(replies)
    assert r["id"] == "q" and r["error"] == "bad_payload" and "$.service" in r["message"]
    assert broker.service.store.count() > 0  # the service is alive and answering


def test_acl_a_device_cannot_write_another_devices_topic(broker, device):
    topics = Topics("testhall")
    _, c2 = device("counter2")
    c2.send("open")
    spy, _ = device("counter1")
    replies_c2 = collect(spy, topics.reply("counter2"))  # not allowed to read it either
    before = broker.service.store.count()
    spy.publish(topics.cmd("counter2"), {"id": "evil", "op": "close"})
    spy.publish(topics.window("w2"), {"window": "w2", "status": "closed"}, retain=True)
    time.sleep(1.0)
    assert broker.service.store.count() == before
    assert broker.service.engine.windows["w2"].status == "open"
    assert replies_c2.empty()


def test_anonymous_and_wrong_passwords_are_refused(mosquitto):
    anon = MqttLink("127.0.0.1", mosquitto.port, "testhall", "", None)
    wrong = MqttLink("127.0.0.1", mosquitto.port, "testhall", "kiosk1", "not-the-password")
    for link in (anon, wrong):
        link.start()
        try:
            assert not link.wait_for_connection(1.5)
        finally:
            link.stop()
    assert "not authorised" in mosquitto.log_tail(20000)


def test_offline_publish_is_refused_not_queued(mosquitto, device):
    link, _client = device("counter1")
    mosquitto.kill()
    deadline = time.monotonic() + 10
    while link.is_connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not link.is_connected
    assert link.publish(link.topics.cmd("counter1"), {"id": "x", "op": "call_next"}) is False


def test_two_terminals_of_one_device_do_not_take_over_each_other(broker, mosquitto, device):
    """Same device id twice at once (two screens at one window, started together): both stay
    connected, and a call-next from each calls one citizen each, never the same one twice."""
    links = [MqttLink.from_config(mosquitto.cfg, "counter1") for _ in range(2)]
    clients = [CommandClient(link) for link in links]
    drops: list[int] = []
    for i, link in enumerate(links):
        link.when_disconnected = lambda i=i: drops.append(i)
    for link in links:  # in the same millisecond
        link.start()
    try:
        assert all(link.wait_for_connection(10) for link in links)
        _, kc = device("kiosk1")
        clients[0].send("open")
        kc.send("issue", service="rs01")
        kc.send("issue", service="rs01")
        time.sleep(1.5)
        assert drops == [] and all(link.is_connected for link in links)
        a = clients[0].send("call_next").ticket
        b = clients[1].send("call_next").ticket
        assert (a, b) == ("A001", "A002")
    finally:
        for link in links:
            link.stop()


def test_state_is_republished_after_mosquitto_restarts(broker, mosquitto, device):
    """Mosquitto keeps no retained messages across a restart (persistence off): the service
    must publish the whole state again once it has reconnected."""
    _, cc = device("counter1")
    cc.send("open", staff="s1")
    mosquitto.kill()
    mosquitto.start()
    link = broker.service.link
    deadline = time.monotonic() + 20
    while not link.is_connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert link.is_connected
    led, _ = device("led1")
    windows = collect(led, Topics("testhall").window("w1"))
    _, w = next_msg(windows, timeout=10)
    assert w["status"] == "open" and w["staff"] == "s1"
