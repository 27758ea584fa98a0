"""MqttLink's promises that need no broker: size check first, nothing queued while offline."""

import pytest

from hallq.mqtt import MAX_PUBLISH, MessageTooLarge, MqttLink
from hallq.protocol import Topics


def link() -> MqttLink:
    return MqttLink("127.0.0.1", 1, "h", "kiosk1", "pw")


def test_an_oversized_payload_is_refused_before_it_can_loop_forever():
    # Mosquitto would drop the client and paho resend it on every reconnect (PLATFORM.md)
    with pytest.raises(MessageTooLarge, match="kiosk1") as err:
        link().publish(Topics("h").cmd("kiosk1"), b"x" * (MAX_PUBLISH + 1))
    assert isinstance(err.value, ValueError)


def test_publishing_while_offline_returns_false_and_queues_nothing():
    offline = link()
    assert offline.is_connected is False
    assert offline.publish(Topics("h").cmd("kiosk1"), {"id": "1", "op": "call_next"}) is False


def test_topics_are_the_public_contract():
    t = Topics("xxcity")
    assert t.cmd("kiosk1") == "hallq/xxcity/cmd/kiosk1"
    assert t.reply("kiosk1") == "hallq/xxcity/reply/kiosk1"
    assert t.window("w05") == "hallq/xxcity/state/window/w05"
    assert t.service("rs01") == "hallq/xxcity/state/service/rs01"
    assert t.hall == "hallq/xxcity/state/hall"
    assert t.event("called") == "hallq/xxcity/event/called"
    assert t.presence("kiosk1") == "hallq/xxcity/presence/kiosk1"
    assert t.device_of("hallq/xxcity/cmd/counter05") == "counter05"


def test_two_links_of_one_device_get_distinct_client_ids(monkeypatch):
    """Mosquitto disconnects the older of two sessions with one client id; links started in
    the same millisecond (threads, two terminals booting together) used to collide."""
    monkeypatch.setattr("time.time", lambda: 1795820000.123)
    links = [link(), link()]
    try:
        for each in links:
            each.start()  # connects in the background to a closed port: fine for this
        ids = [each._client._client_id for each in links]
        assert ids[0] != ids[1] and all(i.startswith(b"kiosk1-") for i in ids)
    finally:
        for each in links:
            each.stop()
