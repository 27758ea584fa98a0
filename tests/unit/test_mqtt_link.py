"""MqttLink's promises that need no broker: size check first, nothing queued while offline,
and which of the hall's Mosquittos it connects to (against a tiny fake that answers CONNECT)."""

import socket
import threading
import time
from pathlib import Path

import pytest

from hallq.mqtt import MAX_PUBLISH, HostRing, MessageTooLarge, MqttLink
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


# ------------------------------------------------------------ several Mosquittos (mqtt.hosts)
def test_the_host_ring_moves_on_only_after_a_failed_attempt_and_wraps_round():
    ring = HostRing([("a", 1883), ("b", 1884)])
    assert ring.current == ("a", 1883)  # the hall's order: the first one first
    assert ring.failed() and ring.current == ("b", 1884)
    assert ring.failed() and ring.current == ("a", 1883)
    alone = HostRing([("a", 1883)])
    assert not alone.failed() and alone.current == ("a", 1883)  # one host: paho's back-off


class FakeMosquitto:
    """A TCP listener that accepts MQTT CONNECTs with a CONNACK "accepted" and counts them;
    ``drop()`` closes the connection it holds, as a restarted Mosquitto would."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            conn.recv(4096)  # CONNECT
            conn.sendall(b"\x20\x02\x00\x00")  # CONNACK, accepted
            self.conns.append(conn)
            self.accepted += 1

    def drop(self) -> None:
        for conn in self.conns:
            conn.close()
        self.conns.clear()

    def close(self) -> None:
        """The port refuses from now on (shutdown wakes the accepting thread)."""
        self.drop()
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_link_goes_on_to_the_next_mosquitto_when_the_first_cannot_be_reached():
    other = FakeMosquitto()
    link = MqttLink(
        "127.0.0.1", closed_port(), "h", "kiosk1", "pw", fallbacks=[("127.0.0.1", other.port)]
    )
    try:
        link.start()
        assert link.wait_for_connection(15), "never reached the second Mosquitto"
        assert (link.host, link.port) == ("127.0.0.1", other.port)
        assert other.accepted == 1
    finally:
        link.stop()
        other.close()


@pytest.fixture
def two_mosquittos():
    """(first, second, link): a kiosk's link connected to the first of two fake Mosquittos."""
    first, second = FakeMosquitto(), FakeMosquitto()
    link = MqttLink(
        "127.0.0.1", first.port, "h", "kiosk1", "pw", fallbacks=[("127.0.0.1", second.port)]
    )
    try:
        link.start()
        assert link.wait_for_connection(15)
        yield first, second, link
    finally:
        link.stop()
        first.close()
        second.close()


def test_a_link_stays_on_the_mosquitto_that_works_after_losing_its_connection(two_mosquittos):
    first, second, link = two_mosquittos
    first.drop()  # a blip: the first Mosquitto still answers
    assert wait_for(lambda: first.accepted == 2), "not reconnected to the same Mosquitto"
    assert link.wait_for_connection(15) and link.port == first.port
    assert second.accepted == 0


def test_publishing_while_failing_over_returns_false_and_queues_nothing(two_mosquittos):
    first, second, link = two_mosquittos
    first.close()  # the first machine is gone: its port refuses from now on
    assert wait_for(lambda: not link.is_connected)
    assert link.publish(Topics("h").cmd("kiosk1"), {"id": "1", "op": "call_next"}) is False
    assert link.wait_for_connection(15) and link.port == second.port
    assert link._client is not None
    kept = [m.topic for m in link._client._out_messages.values()]  # presence (unacked)
    assert "hallq/h/cmd/kiosk1" not in kept  # the press did not go out late


def test_from_config_gives_the_link_every_mosquitto_of_the_hall_in_order(tmp_path):
    from hallq.config import load_config

    path = tmp_path / "hall.toml"
    text = (Path(__file__).resolve().parents[2] / "examples" / "hall.toml").read_text("utf-8")
    path.write_text(text.replace("[mqtt]\n", '[mqtt]\nhosts = ["10.0.0.2", "10.0.0.3:1884"]\n', 1))
    link = MqttLink.from_config(load_config(path), "kiosk1")
    assert link.ring.endpoints == [("10.0.0.2", 1883), ("10.0.0.3", 1884)]
    assert (link.host, link.port) == ("10.0.0.2", 1883)
