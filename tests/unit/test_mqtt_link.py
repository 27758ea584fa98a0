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
