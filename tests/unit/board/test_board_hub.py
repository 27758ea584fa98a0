"""The MQTT-to-browser hub with a fake link: changes reach every stream, slow ones are dropped."""

import asyncio

from board import hub as hub_module
from board.hub import Hub
from board.views import public_snapshot
from hallq.fakes import FakeLink


def make_hub(now=1000.0):
    link = FakeLink("h1", "board")
    return Hub(link, {"kiosk1": "kiosk"}, {"w1": "d1"}, clock=lambda: now), link


def run(coro):
    return asyncio.run(coro)


async def next_change(q):
    """The next message that is not the link's status (connecting sends one)."""
    while True:
        msg = await asyncio.wait_for(q.get(), 1)
        if msg["type"] != "link":
            return msg


def test_messages_update_the_snapshot_and_reach_every_stream():
    async def scenario():
        hub, link = make_hub()
        hub.start(asyncio.get_running_loop())
        a, b = hub.attach(), hub.attach()
        link.deliver("hallq/h1/state/service/SB", {"service": "SB", "waiting": 2})
        link.deliver("hallq/h1/cmd/other", {"x": 1})  # not the board's business
        link.deliver("hallq/h1/presence/kiosk1", b"not json")  # ignored, logged
        link.deliver("hallq/h1/state/service/SB", {"service": "SB", "waiting": "two"})  # too
        got = [await next_change(q) for q in (a, b)]
        await asyncio.sleep(0.01)
        return hub, got, a

    hub, got, a = run(scenario())
    assert (
        got[0]
        == got[1]
        == {
            "type": "change",
            "kind": "services",
            "key": "SB",
            "data": {**got[0]["data"], "service": "SB", "waiting": 2},
        }
    )
    assert got[0]["data"]["name"] == "" and got[0]["data"]["open"] is True  # the struct's shape
    assert a.empty()
    snap = hub.snapshot()
    assert snap["services"]["SB"]["waiting"] == 2 and snap["mqtt"] is True
    assert snap["devices"] == {}


def test_retained_state_known_before_start_is_in_the_first_snapshot():
    hub, link = make_hub()
    link.deliver("hallq/h1/state/window/w1", {"window": "w1", "status": "open"}, retain=True)
    loop = asyncio.new_event_loop()
    try:
        hub.start(loop)  # connects: Mosquitto hands the retained messages to the new session
    finally:
        loop.close()
    assert hub.snapshot()["windows"]["w1"]["status"] == "open"


def test_the_snapshot_carries_alerts():
    hub, link = make_hub(now=5000.0)
    loop = asyncio.new_event_loop()
    try:
        hub.start(loop)
        link.deliver("hallq/h1/presence/kiosk1", {"online": False})
        alerts = hub.snapshot()["alerts"]
    finally:
        loop.close()
    assert [(a["kind"], a["key"]) for a in alerts] == [("device_offline", "kiosk1")]


def test_a_stream_that_falls_behind_is_ended(monkeypatch):
    monkeypatch.setattr(hub_module, "QUEUE_SIZE", 3)

    async def scenario():
        hub, link = make_hub()
        hub.start(asyncio.get_running_loop())
        slow = hub.attach()
        for i in range(5):
            link.deliver("hallq/h1/state/service/SB", {"service": "SB", "waiting": i})
        await asyncio.sleep(0.05)
        return hub, slow

    hub, slow = run(scenario())
    assert slow.get_nowait() is None  # told to end; the browser reconnects for a snapshot
    assert slow not in hub._queues


def test_link_changes_are_pushed():
    async def scenario():
        hub, link = make_hub()
        q = hub.attach()
        hub.start(asyncio.get_running_loop())
        link.go_offline()
        return [await asyncio.wait_for(q.get(), 1) for _ in range(2)]

    assert run(scenario()) == [
        {"type": "link", "mqtt": True, "at": 1000.0},
        {"type": "link", "mqtt": False, "at": 1000.0},
    ]


def test_a_manager_snapshot_says_what_each_printer_value_means_and_the_public_one_does_not():
    hub, _link = make_hub()
    snap = hub.snapshot()
    assert snap["printer_states"]["ok"]["health"] == "ok"
    assert "printer_states" not in public_snapshot(snap)
