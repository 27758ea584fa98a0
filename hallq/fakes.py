"""The one in-process stand-in for :class:`hallq.mqtt.MqttLink` (tests, benchmarks, demos).

It behaves like MqttLink where tests depend on it: a publish while offline returns False and
nothing is queued or retained; a (re)connection calls ``when_connected`` and then delivers the
retained messages again, as Mosquitto does to a new session; handlers run on the calling
thread. ``deliver()`` plays a message as if Mosquitto sent it; ``answer`` may reply to the
device's commands (a fake service; presence and state it publishes are not commands);
``published`` records what went out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from hallq.protocol import Topics, encode, topic_matches

Handler = Callable[[str, bytes], None]


class FakeLink:
    """MqttLink's surface without a network."""

    def __init__(self, hall: str = "testhall", device: str = "test") -> None:
        self.topics, self.device = Topics(hall), device
        self.when_connected: Callable[[], None] | None = None
        self.when_disconnected: Callable[[], None] | None = None
        self.answer: Callable[[dict[str, Any]], Any] | None = None
        self.retained: dict[str, bytes] = {}
        self.published: list[tuple[str, Any]] = []
        self.presence: dict[str, Any] = {}
        self._subs: list[tuple[str, Handler]] = []
        self._online = threading.Event()

    # ------------------------------------------------------------ lifecycle
    @property
    def is_connected(self) -> bool:
        return self._online.is_set()

    def wait_for_connection(self, timeout: float) -> bool:
        return self._online.wait(timeout)

    def start(self) -> None:
        self.go_online()

    def stop(self) -> None:
        self._online.clear()

    def go_offline(self) -> None:
        """The connection drops: ``when_disconnected``, and nothing is delivered until back."""
        was = self.is_connected
        self._online.clear()
        if was and self.when_disconnected:
            self.when_disconnected()

    def go_online(self) -> None:
        """(Re)connected: ``when_connected``, then every retained message again."""
        self._online.set()
        if self.when_connected:
            self.when_connected()
        for topic, data in list(self.retained.items()):
            self._dispatch(topic, data)

    # ------------------------------------------------------------ messaging
    def subscribe(self, topic_filter: str, handler: Handler) -> None:
        self._subs.append((topic_filter, handler))
        if self.is_connected:
            for topic, data in list(self.retained.items()):
                if topic_matches(topic_filter, topic):
                    handler(topic, data)

    def publish(self, topic: str, payload: Any, *, retain: bool = False, qos: int = 1) -> bool:
        """Like MqttLink: False, and nothing queued or retained, while offline."""
        if not self.is_connected:
            return False
        self.published.append((topic, payload))
        self.deliver(topic, payload, retain=retain)
        is_command = topic == self.topics.cmd(self.device)  # not presence, not state
        reply = self.answer(payload) if self.answer is not None and is_command else None
        if reply is not None:
            self.deliver(self.topics.reply(self.device), reply)
        return True

    def set_presence(self, **fields: Any) -> None:
        self.presence.update(fields)
        body = {"online": True, "device": self.device, **self.presence}
        self.publish(self.topics.presence(self.device), body, retain=True)

    def deliver(self, topic: str, payload: Any, *, retain: bool = False) -> None:
        """A message from Mosquitto: retained ones are kept (an empty payload clears);
        delivered now when online, else (retained only) on the next connection."""
        data = payload if isinstance(payload, bytes) else encode(payload)
        if retain:
            if data:
                self.retained[topic] = data
            else:
                self.retained.pop(topic, None)
        if self.is_connected:
            self._dispatch(topic, data)

    def _dispatch(self, topic: str, data: bytes) -> None:
        for topic_filter, handler in list(self._subs):
            if topic_matches(topic_filter, topic):
                handler(topic, data)
