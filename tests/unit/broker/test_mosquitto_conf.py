"""The generated mosquitto.conf (issue 17, 11): a message size limit our payloads fit under."""

from broker.mosquitto import MESSAGE_SIZE_LIMIT, write_mosquitto_config
from hallq.mqtt import MAX_PUBLISH
from hallq.protocol import MAX_PAYLOAD


def test_mosquitto_conf_caps_the_message_size(hall_cfg, tmp_path):
    conf = write_mosquitto_config(hall_cfg, tmp_path / "m").conf.read_text()
    assert f"message_size_limit {MESSAGE_SIZE_LIMIT}\n" in conf
    # ample for a command (<= 4 KB) and retained window state or advice (a few KB),
    # and no smaller than what our own clients may send
    assert MAX_PAYLOAD * 16 <= MESSAGE_SIZE_LIMIT == MAX_PUBLISH
    assert "max_packet_size" not in conf  # it disconnects the sender, and paho resends forever
