"""The MQTT-to-browser hub with a fake link: changes reach every stream, slow ones are dropped."""

import asyncio

from board import hub as hub_module
from board.hub import Hub
from board.testing import FakeLink


def make_hub(now=1000.0):
    link = FakeLink("h1")
    return Hub(link, {"kiosk1": "kiosk"}, {"w1": "d1"}, clock=lambda: now), link


def run(coro):
    return asyncio.run(coro)


def test_messages_update_the_snapshot_and_reach_every_stream():
    async def scenario():
        hub, link = make_hub()
        hub.start(asyncio.get_running_loop())
        a, b = hub.attach(), hub.attach()
        link.deliver("hallq/h1/state/service/SB", {"service": "SB", "waiting": 2})
        link.deliver("hallq/h1/cmd/other", {"x": 1})  # not the board's business
        link.deliver("hallq/h1/presence/kiosk1", b"not json")  # ignored, logged
        got = [await asyncio.wait_for(q.get(), 1) for q in (a, b)]
        return hub, got, a

    hub, got, a = run(scenario())
    assert (
        got[0]
        == got[1]
        == {
            "type": "change",
            "kind": "services",
            "key": "SB",
            "data": {"service": "SB", "waiting": 2},
        }
    )
    assert a.empty()
    snap = hub.snapshot()
    assert snap["services"]["SB"]["waiting"] == 2 and snap["mqtt"] is True


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
        hub.start(asyncio.get_running_loop())
        q = hub.attach()
        link.is_connected = False
        link.when_disconnected()
        return await asyncio.wait_for(q.get(), 1)

    assert run(scenario()) == {"type": "link", "mqtt": False, "at": 1000.0}
