"""What the service publishes after events: retained state that changed, and call events."""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from hallq import contract as c
from hallq.core.case_views import cases_in_progress, window_case_fields
from hallq.core.engine import Engine
from hallq.core.joint import joint_view
from hallq.core.model import Event, EventKind, WindowStatus
from hallq.core.views import hall_view, service_view, window_view
from hallq.protocol import Topics

from .advice import advice_payload

log = logging.getLogger(__name__)
# what ends a case's visit at a window: the event/finished of a case (its FINISHED is skipped,
# the ticket already being in its next queue when the batch is published)
CASE_LEAVES = {EventKind.CASE_MOVED, EventKind.CASE_COMPLETED, EventKind.TICKET_HELD}
JOINT_KINDS = {
    EventKind.JOINT_OPENED,
    EventKind.JOINT_CONFIRMED,
    EventKind.JOINT_CALLED,
    EventKind.JOINT_CLOSED,
}
WINDOW_KINDS = {
    EventKind.WINDOW_OPENED,
    EventKind.WINDOW_CLOSED,
    EventKind.WINDOW_PAUSED,
    EventKind.WINDOW_RESUMED,
    EventKind.WINDOW_SERVICES_SET,
}


class Publisher:
    """Turns engine state into retained MQTT messages, sending only what changed."""

    def __init__(
        self, engine: Engine, topics: Topics, send: Any, *, services_in_state: bool = True
    ) -> None:
        self.engine, self.topics, self.send = engine, topics, send
        self.services_in_state = services_in_state  # contract v1: services in state/window
        self._last: dict[str, Any] = {}
        # service health added to state/hall (e.g. replay_faults); empty values are left out
        self.hall_extra: dict[str, Any] = {}

    def _hall(self, now: float) -> c.HallState:
        return c.from_view({**hall_view(self.engine, now), **self.hall_extra}, c.HallState)

    def _window(self, window: str) -> c.WindowState:
        view = window_view(self.engine, window)
        if not self.services_in_state:
            del view["services"]  # left out: state/window_services/<w> carries them
            state = c.from_view(view, c.WindowState)
            return msgspec.structs.replace(state, services=msgspec.UNSET)
        return c.from_view(view, c.WindowState)

    def _window_services(self, window: str) -> c.WindowServices:
        services = {code: str(t) for code, t in self.engine.windows[window].services.items()}
        return c.from_view({"window": window, "services": services}, c.WindowServices)

    def _service(self, code: str, now: float) -> c.ServiceState:
        return c.from_view(service_view(self.engine, code, now), c.ServiceState)

    def _cases(self, now: float) -> c.CasesState:
        return c.from_view({"cases": cases_in_progress(self.engine, now)}, c.CasesState)

    def _joint(self, now: float) -> c.JointState:
        reviews = [joint_view(self.engine, r, now) for r in reversed(self.engine.joint.values())]
        return c.from_view({"reviews": reviews, "at": now}, c.JointState)

    def _retain(self, topic: str, payload: c.Payload, force: bool = False) -> None:
        changed = force or self._last.get(topic) != payload
        if changed and self.send(topic, payload, retain=True):
            self._last[topic] = payload

    def publish_advice(self, now: float) -> None:
        """Retained staffing advice; its "at" changes every time, so compare without it."""
        payload = c.from_view(advice_payload(self.engine, now), c.Advice)
        previous = self._last.get(self.topics.advice)
        changed = previous is None or _timeless(previous) != _timeless(payload)
        if changed and self.send(self.topics.advice, payload, retain=True):
            self._last[self.topics.advice] = payload

    def publish_all(self, now: float, force: bool = False) -> None:
        """Every retained topic (on connect: force=True, since Mosquitto may have lost them)."""
        for w in self.engine.windows:
            self._retain(self.topics.window(w), self._window(w), force)
            self._retain(self.topics.window_services(w), self._window_services(w), force)
        for code in self.engine.layout.services:
            self._retain(self.topics.service(code), self._service(code, now), force)
        self._retain(self.topics.hall, self._hall(now), force)
        self._retain(self.topics.cases, self._cases(now), force)
        self._retain(self.topics.joint, self._joint(now), force)
        if force:
            self._last.pop(self.topics.advice, None)
        self.publish_advice(now)

    def after(self, events: list[Event], now: float) -> None:
        """Publish the consequences of freshly applied events: the events first (a display
        hears of a call before anything else is built), then the retained state."""
        self.announce(events)
        self.state_after(events, now)

    def announce(self, events: list[Event]) -> None:
        """``event/called`` and ``event/finished`` of freshly applied events."""
        for ev in events:
            self._event(ev)

    def state_after(self, events: list[Event], now: float) -> None:
        """The retained state that ``events`` changed (only that)."""
        if any(ev.kind in (EventKind.DAY_STARTED, EventKind.PRIORITY_RATIO_SET) for ev in events):
            self.publish_all(now)
            return
        windows, services, regrouped = set(), set(), set()
        for ev in events:
            d = ev.data
            if "window" in d:
                windows.add(d["window"])
            if ev.kind == EventKind.WINDOW_SERVICES_SET:
                regrouped.add(d["window"])
            services.update(d[k] for k in ("service", "from", "to") if k in d)
            if "ticket" in d and d["ticket"] in self.engine.tickets:
                services.add(self.engine.tickets[d["ticket"]].service)
            if ev.kind in WINDOW_KINDS:
                services.update(self.engine.windows[d["window"]].services)
            if d.get("review") in self.engine.joint:
                windows.update(self.engine.joint[d["review"]].windows)
        for w in sorted(windows):
            self._retain(self.topics.window(w), self._window(w))
        for w in sorted(regrouped):
            self._retain(self.topics.window_services(w), self._window_services(w))
        for code in sorted(services):
            self._retain(self.topics.service(code), self._service(code, now))
        self._retain(self.topics.hall, self._hall(now))
        if any(ev.data.get("ticket") in self.engine.cases for ev in events):  # agency too
            self._retain(self.topics.cases, self._cases(now))
        if any(ev.kind in JOINT_KINDS for ev in events):
            self._retain(self.topics.joint, self._joint(now))

    def _event(self, ev: Event) -> None:
        """Per-ticket events: displays and evaluators read some; the bridge carries all of
        them to the region, whose reports are built from them (region/record.py)."""
        d = ev.data
        if ev.kind in (EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED):
            self.send(self.topics.event("called"), self.called_payload(ev))
        elif ev.kind == EventKind.JOINT_CALLED:
            self.send(self.topics.event("called"), self.room_call(ev))
        elif ev.data.get("ticket") in self.engine.cases:
            if ev.kind in CASE_LEAVES and (
                ev.kind != EventKind.TICKET_HELD or ev.data.get("no_show")
            ):
                self.send(self.topics.event("finished"), self.case_left(ev))
        elif ev.kind in (EventKind.TICKET_FINISHED, EventKind.TICKET_NO_SHOW):
            t = self.engine.tickets[d["ticket"]]
            outcome = "done" if ev.kind == EventKind.TICKET_FINISHED else "no_show"
            payload = c.FinishedEvent(
                ticket=t.number,
                window=d["window"],
                service=t.service,
                at=ev.at,
                outcome=outcome,
                day=t.day,
            )
            self.send(self.topics.event("finished"), payload)
        elif ev.kind == EventKind.TICKET_ISSUED:
            self._issued(ev)
        elif ev.kind == EventKind.TICKET_RATED:
            t = self.engine.tickets[d["ticket"]]
            rated = c.RatedEvent(
                ticket=t.number,
                window=d["window"],
                score=d["score"],
                day=t.day,
                service=t.service,
                at=ev.at,
            )
            self.send(self.topics.event("rated"), rated)

    def _issued(self, ev: Event) -> None:
        d = ev.data
        issued = c.IssuedEvent(
            ticket=d["ticket"],
            service=d["service"],
            day=d["day"],
            at=ev.at,
            priority=d.get("priority"),
        )
        self.send(self.topics.event("issued"), issued)
        if d.get("appointment"):
            checked_in = c.CheckedInEvent(
                code=d["appointment"], ticket=d["ticket"], service=d["service"], at=ev.at
            )
            self.send(self.topics.event("checked_in"), checked_in)

    def case_left(self, ev: Event) -> c.FinishedEvent:
        """A case left a window: done there (moving on, or complete), or held as a no-show."""
        d, layout = ev.data, self.engine.layout
        t = self.engine.tickets[d["ticket"]]
        to = d.get("to")
        spec = layout.services.get(to or "")
        windows = [
            w.name
            for w in layout.windows.values()
            if to in self.engine.windows[w.id].services
            and self.engine.windows[w.id].status is not WindowStatus.CLOSED
        ]
        return c.FinishedEvent(
            ticket=t.number,
            window=d["window"],
            service=d.get("service", t.service),
            at=ev.at,
            outcome="no_show" if ev.kind == EventKind.TICKET_HELD else "done",
            to=to,
            to_name=spec.name if spec else "",
            to_name_en=spec.name_en if spec else "",
            to_windows=windows,
            rate=ev.kind == EventKind.CASE_COMPLETED,
        )

    def room_call(self, ev: Event) -> c.CalledEvent:
        """A joint review's call: the citizen to the room ("请 A012 到 第一联审室")."""
        t = self.engine.tickets[ev.data["ticket"]]
        s = self.engine.layout.services[t.service]
        return c.CalledEvent(
            ticket=t.number,
            service=s.code,
            service_name=s.name,
            service_name_en=s.name_en,
            calls=t.calls,
            at=ev.at,
            reason="joint review",
            agent=t.agent,
            **_room_call_fields(self, ev),
            **window_case_fields(self.engine, t.number),
            day=t.day,
        )

    def called_payload(self, ev: Event) -> c.CalledEvent:
        d = ev.data
        layout = self.engine.layout
        w = layout.windows[d["window"]]
        t = self.engine.tickets[d["ticket"]]
        s = layout.services[t.service]
        return c.CalledEvent(
            ticket=t.number,
            window=w.id,
            window_name=w.name,
            window_name_en=w.name_en,
            zone=w.zone,
            service=s.code,
            service_name=s.name,
            service_name_en=s.name_en,
            recall=ev.kind == EventKind.TICKET_RECALLED,
            calls=t.calls,
            at=ev.at,
            reason=d.get("reason", ""),
            reason_code=d.get("reason_code") if ev.kind == EventKind.TICKET_CALLED else None,
            priority_rule=d.get("priority_rule") if ev.kind == EventKind.TICKET_CALLED else None,
            wait_s=d.get("wait_s") if ev.kind == EventKind.TICKET_CALLED else None,
            priority=t.priority,
            stage_rule=d.get("stage_rule") if ev.kind == EventKind.TICKET_CALLED else None,
            agent=t.agent,
            **window_case_fields(self.engine, t.number),
            target_wait_s=round(s.target_wait_min * 60),
            day=t.day,
        )


def _room_call_fields(publisher: Publisher, ev: Event) -> dict[str, Any]:
    """The room of a joint review's call, in the places a window's call has its window."""
    room = publisher.engine.layout.rooms[ev.data["room"]]
    return {
        "window": room.id,
        "window_name": room.name,
        "window_name_en": room.name_en,
        "zone": room.zone,
        "review": ev.data["review"],
    }


def _timeless(advice: c.Advice) -> c.Advice:
    """Advice compared without its time stamp (it changes every time)."""
    return msgspec.structs.replace(advice, at=0.0)
