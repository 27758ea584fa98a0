"""Fakes for tests and benchmarks: an in-process MQTT link and a recording announcer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from hallq.protocol import Topics, encode

Handler = Callable[[str, bytes], None]


def topic_matches(topic_filter: str, topic: str) -> bool:
    f, t = topic_filter.split("/"), topic.split("/")
    for i, part in enumerate(f):
        if part == "#":
            return True
        if i >= len(t) or (part != "+" and part != t[i]):
            return False
    return len(f) == len(t)


class FakeLink:
    """MqttLink's surface, delivering in-process on the publishing thread, retained kept.

    ``go_offline()`` / ``go_online()`` simulate an outage: nothing is delivered while offline,
    and reconnecting redelivers the retained messages, as Mosquitto does.
    """

    def __init__(self, hall: str = "test") -> None:
        self.topics = Topics(hall)
        self.when_connected: Callable[[], None] | None = None
        self.when_disconnected: Callable[[], None] | None = None
        self.retained: dict[str, bytes] = {}
        self._subs: list[tuple[str, Handler]] = []
        self._online = threading.Event()

    @property
    def is_connected(self) -> bool:
        return self._online.is_set()

    def start(self) -> None:
        self.go_online()

    def stop(self) -> None:
        self._online.clear()

    def subscribe(self, topic_filter: str, handler: Handler) -> None:
        self._subs.append((topic_filter, handler))

    def publish(self, topic: str, payload: Any, *, retain: bool = False, qos: int = 1) -> bool:
        data = payload if isinstance(payload, bytes) else encode(payload)
        if retain:
            self.retained[topic] = data
        if not self.is_connected:
            return False
        self._deliver(topic, data)
        return True

    def go_offline(self) -> None:
        self._online.clear()
        if self.when_disconnected:
            self.when_disconnected()

    def go_online(self) -> None:
        self._online.set()
        if self.when_connected:
            self.when_connected()
        for topic, data in list(self.retained.items()):
            self._deliver(topic, data)

    def _deliver(self, topic: str, data: bytes) -> None:
        for f, h in self._subs:
            if topic_matches(f, topic):
                h(topic, data)


class RecordingAnnouncer:
    """Records what would be said; ``busy_s`` simulates speaking time; counts overlaps."""

    def __init__(self, busy_s: float = 0.0) -> None:
        self.busy_s = busy_s
        self.said: list[tuple[str, str, bool]] = []
        self.overlaps = 0
        self._busy = threading.Lock()

    def announce(self, ticket: str, window_name: str, recall: bool = False) -> None:
        if not self._busy.acquire(blocking=False):
            self.overlaps += 1
            return
        try:
            time.sleep(self.busy_s)
            self.said.append((ticket, window_name, recall))
        finally:
            self._busy.release()
