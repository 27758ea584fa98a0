"""hallq.mqtt.Swarm: many devices' connections on the caller's one thread, through a real
Mosquitto and the running service (what the burst benchmark stands on)."""

from __future__ import annotations

import json

import pytest

from hallq.mqtt import MqttError, Swarm


def test_devices_of_one_swarm_talk_to_the_service_and_hear_its_events(broker, hall_cfg):
    swarm = Swarm.from_config(hall_cfg)
    try:
        for device in ("kiosk1", "counter1", "display1"):
            swarm.add(device, hall_cfg.password(device))
        replies: dict[str, dict] = {}
        called: list[dict] = []
        for device in ("kiosk1", "counter1"):
            swarm.subscribe(
                device,
                swarm.topics.reply(device),
                lambda _t, p: replies.update({json.loads(p)["id"]: json.loads(p)}),
            )
        swarm.subscribe(
            "display1", swarm.topics.event("called"), lambda _t, p: called.append(json.loads(p))
        )
        swarm.run_until(lambda: False, 0.3)

        swarm.publish("counter1", swarm.topics.cmd("counter1"), {"id": "o", "op": "open"})
        swarm.publish(
            "kiosk1", swarm.topics.cmd("kiosk1"), {"id": "i", "op": "issue", "service": "rs01"}
        )
        assert swarm.run_until(lambda: {"o", "i"} <= replies.keys(), 5)
        swarm.publish("counter1", swarm.topics.cmd("counter1"), {"id": "c", "op": "call_next"})
        assert swarm.run_until(lambda: bool(called) and "c" in replies, 5)
        assert replies["c"]["ok"] and called[0]["ticket"] == replies["i"]["ticket"] == "A001"
    finally:
        swarm.stop()


def test_a_wrong_password_is_a_clear_error(mosquitto, hall_cfg):
    swarm = Swarm.from_config(hall_cfg)
    try:
        with pytest.raises(MqttError, match="kiosk1 was not accepted"):
            swarm.add("kiosk1", "not-the-password", timeout=2)
    finally:
        swarm.stop()
