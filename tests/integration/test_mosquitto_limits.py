"""Issue 17 (11): the generated mosquitto.conf caps a message's size. Mosquitto 2.0.11 without
it accepted a 32 MB command and retained a 32 MB presence, re-sent to every subscriber."""

import subprocess
import threading

from broker.mosquitto import MESSAGE_SIZE_LIMIT
from hallq.mqtt import MAX_PUBLISH


def publish_raw(mosquitto, device, topic, payload, *, retain=False):
    """mosquitto_pub as ``device`` (our MqttLink refuses oversized payloads itself)."""
    cfg = mosquitto.cfg
    args = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(mosquitto.port), "-q", "1"]
    args += ["-u", device, "-P", cfg.password(device), "-t", topic, "-s"]
    subprocess.run(args + (["-r"] if retain else []), input=payload, check=True, timeout=30)


def test_an_oversized_publish_is_neither_delivered_nor_retained(mosquitto, device):
    assert MESSAGE_SIZE_LIMIT == MAX_PUBLISH  # what our own clients refuse to send
    link, _ = device("display1")
    topic = link.topics.presence("kiosk1")
    got: list[int] = []
    marker = threading.Event()

    def on_presence(_topic, payload):
        got.append(len(payload))
        if payload == b'{"online": true, "marker": 1}':
            marker.set()

    link.subscribe(topic, on_presence)
    big = b'{"online": true, "pad": "' + b"x" * (MESSAGE_SIZE_LIMIT + 1) + b'"}'
    largest_allowed = b'{"pad": "' + b"y" * (MESSAGE_SIZE_LIMIT - 11) + b'"}'
    assert len(largest_allowed) == MESSAGE_SIZE_LIMIT
    publish_raw(mosquitto, "kiosk1", topic, b'{"online": true}', retain=True)
    publish_raw(mosquitto, "kiosk1", topic, big, retain=True)
    publish_raw(mosquitto, "kiosk1", topic, largest_allowed)
    publish_raw(mosquitto, "kiosk1", topic, b'{"online": true, "marker": 1}')
    assert marker.wait(20), "the small message after the big one never came"
    assert len(big) not in got, "Mosquitto delivered a message over message_size_limit"
    assert MESSAGE_SIZE_LIMIT in got  # the limit itself still passes
    # nor retained: a new subscriber gets the small presence retained before it
    late, _ = device("eval1")
    retained: list[bytes] = []
    seen = threading.Event()
    late.subscribe(topic, lambda _t, p: (retained.append(p), seen.set()))
    assert seen.wait(20)
    assert retained == [b'{"online": true}']
