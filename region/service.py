"""The region service: every hall's bridged state, decoded once, and the region's bookings.

One MQTT link to the region Mosquitto (user ``region``) with a persistent session, so a hall's
events and check-ins queued while the region service was away still arrive. Per hall one
:class:`hallq.state.StateClient` over that link; bridge link state from ``bridge/region``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import msgspec

from hallq import contract as c
from hallq.mqtt import MqttLink
from hallq.protocol import Topics
from hallq.state import StateClient

from .bookings import RegionBookings
from .config import RegionConfig
from .record import EVENT_KINDS, HallRecord, event_row
from .reports import HallFigures, figures, period_days
from .view import HallFeed, alerts, hall_row

log = logging.getLogger(__name__)


class _HallLink:
    """One hall's topics over the region's single link (what StateClient needs)."""

    def __init__(self, link: Any, hall: str) -> None:
        self.link, self.topics = link, Topics(hall)

    def subscribe(self, topic_filter: str, handler: Callable[[str, bytes], None]) -> None:
        self.link.subscribe(topic_filter, handler)


class RegionService:
    """Every hall at a glance (``rows()``), region alerts, bookings (``bookings``)."""

    def __init__(
        self,
        cfg: RegionConfig,
        link: Any | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cfg, self.link, self.clock = cfg, link, clock
        self.feeds = {h.id: HallFeed() for h in cfg.halls}
        self.bookings = RegionBookings(cfg, clock)
        self.record = HallRecord(cfg.resolve(cfg.board.store))
        self._lock = threading.Lock()
        self.changes = threading.Condition(self._lock)
        self.version = 0

    def start(self) -> None:
        self.bookings.open()
        self.record.open()
        if self.link is None:
            m = self.cfg.mqtt
            self.link = MqttLink(
                m.host,
                m.port,
                self.cfg.region.id,
                "region",
                self.cfg.password("region"),
                tls_ca=str(self.cfg.resolve(m.ca_file)) if m.ca_file else None,
                session=f"hallq-region-{self.cfg.region.id}",
            )
        for h in self.cfg.halls:
            self._follow(h.id)
        self.link.subscribe("hallq/+/bridge/region", self._on_bridge)
        self.link.subscribe("hallq/+/bridge/uptime", self._on_tick)
        self.link.subscribe("hallq/+/event/checked_in", self._on_checked_in)
        self.link.subscribe("hallq/+/ask/book", self._on_book_request)
        self.link.subscribe("hallq/+/event/+", self._on_event)
        self.bookings.publish = self._publish
        self.link.start()

    def stop(self) -> None:
        if self.link is not None:
            self.link.stop()
        self.bookings.close()
        self.record.close()

    def _follow(self, hall: str) -> None:
        state = StateClient(_HallLink(self.link, hall))
        feed = self.feeds[hall]
        state.follow_hall().listen(lambda _k, p: self._on_hall(hall, p))
        state.follow_services().listen(lambda k, p: self._put(feed.services, hall, k, p))
        state.follow_windows().listen(lambda k, p: self._put(feed.windows, hall, k, p))
        state.follow_presence().listen(lambda k, p: self._put(feed.presence, hall, k, p))

    # ------------------------------------------------------------ inbound (paho's thread)
    def _changed(self, hall: str) -> None:
        self.feeds[hall].changed_at = self.clock()
        self.version += 1
        self.changes.notify_all()

    def _set(self, hall: str, attr: str, payload: Any) -> None:
        with self._lock:
            setattr(self.feeds[hall], attr, payload)
            self._changed(hall)

    def _on_hall(self, hall: str, payload: c.HallState | None) -> None:
        self._set(hall, "hall", payload)
        if payload is not None:
            self.record.hall_day(hall, payload)

    def _put(self, into: dict[str, Any], hall: str, key: str, payload: Any) -> None:
        with self._lock:
            if payload is None:
                into.pop(key, None)
            else:
                into[key] = payload
            self._changed(hall)

    def _on_bridge(self, topic: str, payload: bytes) -> None:
        hall = topic.split("/")[1]
        if hall not in self.feeds:
            return
        with self._lock:
            self.feeds[hall].link_up = payload == b"1"
            self.version += 1
            self.changes.notify_all()
        log.info("hall %s is %s", hall, "reachable" if payload == b"1" else "unreachable")

    def _on_tick(self, topic: str, _payload: bytes) -> None:
        """A hall's heartbeat (not a change of its data: stale_s keeps counting)."""
        feed = self.feeds.get(topic.split("/")[1])
        if feed is not None:
            feed.tick_at = self.clock()

    def _on_checked_in(self, topic: str, payload: bytes) -> None:
        hall = topic.split("/")[1]
        try:
            event = c.decode(payload, c.CheckedInEvent)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable check-in from %s ignored: %s", hall, exc)
            return
        self.bookings.mark_used(hall, event)

    def _on_book_request(self, topic: str, payload: bytes) -> None:
        """A township counter's booking, relayed by its hall (broker/region_relay.py): decided
        once, answered to that hall over its bridge."""
        hall = topic.split("/")[1]
        if hall not in self.feeds:
            return
        try:
            request = c.decode(payload, c.BookRequest)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable booking request from %s ignored: %s", hall, exc)
            return
        answer = self.bookings.answer(hall, request)
        if not self._publish(f"hallq/{hall}/region/answer", answer, False):
            log.warning("booking answer for %s not published (region link down)", hall)

    def _on_event(self, topic: str, payload: bytes) -> None:
        """A hall's per-ticket event into the region's record (a redelivery is ignored)."""
        parts = topic.split("/")
        hall, kind = parts[1], parts[-1]
        if hall not in self.feeds or kind not in EVENT_KINDS:
            return
        try:
            row = event_row(hall, kind, payload)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable %s event from %s ignored: %s", kind, hall, exc)
            return
        if row is not None:
            self.record.add(row)

    def _publish(self, topic: str, payload: Any, retain: bool) -> bool:
        return self.link is not None and self.link.publish(topic, payload, retain=retain)

    # ------------------------------------------------------------ views
    def rows(self, halls: set[str] | None = None) -> list[c.RegionHall]:
        now = self.clock()
        with self._lock:
            return [
                hall_row(h, self.feeds[h.id], now)
                for h in self.cfg.halls
                if halls is None or h.id in halls
            ]

    def alerts(self, halls: set[str] | None = None) -> list[dict[str, str]]:
        return alerts(self.rows(halls))

    def detail(self, hall: str) -> dict[str, Any]:
        """One hall's windows and services, for the click-through view."""
        with self._lock:
            feed = self.feeds[hall]
            return {
                "windows": [c.to_builtins(w) for _k, w in sorted(feed.windows.items())],
                "services": [c.to_builtins(s) for _k, s in sorted(feed.services.items())],
            }

    def report(self, period: str, halls: set[str]) -> list[HallFigures]:
        """Every hall in ``halls`` side by side for a day (YYYY-MM-DD) or month (YYYY-MM)."""
        first, last = period_days(period)
        names = [(h.id, h.name) for h in self.cfg.halls if h.id in halls]
        return figures(
            names, self.record.events(first, last, halls), self.record.totals(first, last, halls)
        )

    def wait_for_change(self, version: int, timeout: float) -> int:
        with self._lock:
            self.changes.wait_for(lambda: self.version != version, timeout)
            return self.version
