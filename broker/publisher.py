"""What the service publishes after events: retained state that changed, and call events."""

from __future__ import annotations

import logging
from typing import Any

from hallq.core.engine import Engine
from hallq.core.model import Event
from hallq.core.views import hall_view, service_view, window_view
from hallq.protocol import Topics

from .advice import advice_payload

log = logging.getLogger(__name__)
WINDOW_KINDS = {
    "window_opened",
    "window_closed",
    "window_paused",
    "window_resumed",
    "window_services_set",
}


class Publisher:
    """Turns engine state into retained MQTT messages, sending only what changed."""

    def __init__(self, engine: Engine, topics: Topics, send: Any) -> None:
        self.engine, self.topics, self.send = engine, topics, send
        self._last: dict[str, Any] = {}
        # service health added to state/hall (e.g. replay_faults); empty values are left out
        self.hall_extra: dict[str, Any] = {}

    def _hall(self, now: float) -> dict[str, Any]:
        extra = {k: v for k, v in self.hall_extra.items() if v}
        return {**hall_view(self.engine, now), **extra}

    def _retain(self, topic: str, payload: dict[str, Any], force: bool = False) -> None:
        changed = force or self._last.get(topic) != payload
        if changed and self.send(topic, payload, retain=True):
            self._last[topic] = payload

    def publish_advice(self, now: float) -> None:
        """Retained staffing advice; its "at" changes every time, so compare without it."""
        payload = advice_payload(self.engine, now)
        previous = self._last.get(self.topics.advice)
        changed = previous is None or {**previous, "at": 0} != {**payload, "at": 0}
        if changed and self.send(self.topics.advice, payload, retain=True):
            self._last[self.topics.advice] = payload

    def publish_all(self, now: float, force: bool = False) -> None:
        """Every retained topic (on connect: force=True, since Mosquitto may have lost them)."""
        for w in self.engine.windows:
            self._retain(self.topics.window(w), window_view(self.engine, w), force)
        for code in self.engine.layout.services:
            self._retain(self.topics.service(code), service_view(self.engine, code, now), force)
        self._retain(self.topics.hall, self._hall(now), force)
        if force:
            self._last.pop(self.topics.advice, None)
        self.publish_advice(now)

    def after(self, events: list[Event], now: float) -> None:
        """Publish the consequences of freshly applied events."""
        if any(ev.kind in ("day_started", "priority_ratio_set") for ev in events):
            self.publish_all(now)
            return
        windows, services = set(), set()
        for ev in events:
            d = ev.data
            if "window" in d:
                windows.add(d["window"])
            services.update(d[k] for k in ("service", "from", "to") if k in d)
            if "ticket" in d and d["ticket"] in self.engine.tickets:
                services.add(self.engine.tickets[d["ticket"]].service)
            if ev.kind in WINDOW_KINDS:
                services.update(self.engine.windows[d["window"]].services)
        for w in sorted(windows):
            self._retain(self.topics.window(w), window_view(self.engine, w))
        for code in sorted(services):
            self._retain(self.topics.service(code), service_view(self.engine, code, now))
        self._retain(self.topics.hall, self._hall(now))
        for ev in events:
            self._event(ev)

    def _event(self, ev: Event) -> None:
        if ev.kind in ("ticket_called", "ticket_recalled"):
            self.send(self.topics.event("called"), self.called_payload(ev))
        elif ev.kind in ("ticket_finished", "ticket_no_show"):
            d = ev.data
            t = self.engine.tickets[d["ticket"]]
            payload = {
                "ticket": t.number,
                "window": d["window"],
                "service": t.service,
                "at": ev.at,
                "outcome": "done" if ev.kind == "ticket_finished" else "no_show",
            }
            self.send(self.topics.event("finished"), payload)

    def called_payload(self, ev: Event) -> dict[str, Any]:
        d = ev.data
        layout = self.engine.layout
        w = layout.windows[d["window"]]
        t = self.engine.tickets[d["ticket"]]
        s = layout.services[t.service]
        return {
            "ticket": t.number,
            "window": w.id,
            "window_name": w.name,
            "window_name_en": w.name_en,
            "zone": w.zone,
            "service": s.code,
            "service_name": s.name,
            "service_name_en": s.name_en,
            "recall": ev.kind == "ticket_recalled",
            "calls": t.calls,
            "at": ev.at,
            "reason": d.get("reason", ""),
        }
