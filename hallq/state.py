"""The one retained-state client: subscribe, decode each message once, keep the latest.

Kiosk, counter, display (screen, window boards, voice) and board all read the service's
retained state and events through this class with the structs of hallq/contract.py, instead of
each decoding the payloads against its own copy of their fields. A device follows only what it
uses (a counter: its window and its window's services, not all 147 services).

Listeners run on the link's thread (paho's): a Kivy device hops to its main thread itself.
A listener gets ``(key, payload)`` where ``key`` is the topic's last level (window id, service
code, device id) and ``payload`` is the typed struct, or None when a retained message was
cleared. A payload that does not decode is logged once per topic and ignored (the latest good
one is kept). A payload from a service of an older fencing epoch than one already seen (an
old primary after a standby was promoted, docs/deploy.md) is dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

import msgspec

from hallq import contract as c
from hallq.protocol import Topics

log = logging.getLogger(__name__)
T = TypeVar("T", bound=c.Payload)
Listener = Callable[[str, T | None], None]


class Link(Protocol):
    """What the state client needs of a link (MqttLink or FakeLink)."""

    topics: Topics

    def subscribe(self, topic_filter: str, handler: Callable[[str, bytes], None]) -> None: ...


class Feed(Generic[T]):
    """One kind of payload on one topic family: the latest per key, and listeners."""

    def __init__(self, kind: type[T]) -> None:
        self.kind = kind
        self.latest: dict[str, T] = {}
        self._listeners: list[Listener[T]] = []
        self._bad: set[str] = set()
        self._lock = threading.Lock()
        self.epoch = 0  # the newest service epoch seen on this feed

    def listen(self, listener: Listener[T]) -> None:
        """Call ``listener`` for every message from now on, and at once for what is known."""
        with self._lock:
            self._listeners.append(listener)
            known = list(self.latest.items())
        for key, payload in known:
            listener(key, payload)

    def get(self, key: str) -> T | None:
        return self.latest.get(key)

    def on_message(self, topic: str, data: bytes) -> None:
        key = topic.rsplit("/", 1)[-1]
        payload: T | None = None
        if data:
            try:
                payload = c.decode(data, self.kind)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                if topic not in self._bad:
                    log.warning("unreadable %s on %s ignored: %s", self.kind.__name__, topic, exc)
                    self._bad.add(topic)
                return
        with self._lock:
            epoch = getattr(payload, "epoch", None)
            if epoch is not None and epoch < self.epoch:
                log.warning(
                    "%s from an old service (epoch %d < %d) dropped", topic, epoch, self.epoch
                )
                return
            if epoch is not None:
                self.epoch = epoch
            if payload is None:
                self.latest.pop(key, None)
            else:
                self.latest[key] = payload
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(key, payload)
            except Exception:
                log.exception("state listener for %s failed", topic)


class StateClient:
    """Typed, decoded-once view of the hall's retained state and events over one link."""

    def __init__(self, link: Link) -> None:
        self.link, self.topics = link, link.topics
        self.windows: Feed[c.WindowState] = Feed(c.WindowState)
        self.window_services: Feed[c.WindowServices] = Feed(c.WindowServices)
        self.services: Feed[c.ServiceState] = Feed(c.ServiceState)
        self.hall: Feed[c.HallState] = Feed(c.HallState)
        self.advice: Feed[c.Advice] = Feed(c.Advice)
        self.cases: Feed[c.CasesState] = Feed(c.CasesState)
        self.joint: Feed[c.JointState] = Feed(c.JointState)
        self.called: Feed[c.CalledEvent] = Feed(c.CalledEvent)
        self.finished: Feed[c.FinishedEvent] = Feed(c.FinishedEvent)
        self.presence: Feed[c.Presence] = Feed(c.Presence)

    def follow_windows(self, ids: Iterable[str] | None = None) -> Feed[c.WindowState]:
        """``state/window/<id>`` for ``ids`` (None: every window)."""
        return self._follow(self.windows, self.topics.window, ids)

    def follow_window_services(self, ids: Iterable[str] | None = None) -> Feed[c.WindowServices]:
        """``state/window_services/<id>``: what each window serves (None: every window)."""
        return self._follow(self.window_services, self.topics.window_services, ids)

    def follow_services(self, codes: Iterable[str] | None = None) -> Feed[c.ServiceState]:
        """``state/service/<code>`` for ``codes`` (None: every service)."""
        return self._follow(self.services, self.topics.service, codes)

    def follow_hall(self) -> Feed[c.HallState]:
        self.link.subscribe(self.topics.hall, self.hall.on_message)
        return self.hall

    def follow_advice(self) -> Feed[c.Advice]:
        self.link.subscribe(self.topics.advice, self.advice.on_message)
        return self.advice

    def follow_cases(self) -> Feed[c.CasesState]:
        """``state/cases``: the cases (一件事) in progress (key ``cases``)."""
        self.link.subscribe(self.topics.cases, self.cases.on_message)
        return self.cases

    def follow_joint(self) -> Feed[c.JointState]:
        """``state/joint``: the day's joint reviews (联审联批) (key ``joint``)."""
        self.link.subscribe(self.topics.joint, self.joint.on_message)
        return self.joint

    def follow_calls(self) -> Feed[c.CalledEvent]:
        self.link.subscribe(self.topics.event("called"), self.called.on_message)
        return self.called

    def follow_finished(self) -> Feed[c.FinishedEvent]:
        self.link.subscribe(self.topics.event("finished"), self.finished.on_message)
        return self.finished

    def follow_presence(self, devices: Iterable[str] | None = None) -> Feed[c.Presence]:
        return self._follow(self.presence, self.topics.presence, devices)

    def _follow(
        self, feed: Feed[Any], topic: Callable[[str], str], keys: Iterable[str] | None
    ) -> Feed[Any]:
        for key in ["+"] if keys is None else sorted(set(keys)):
            self.link.subscribe(topic(key), feed.on_message)
        return feed
