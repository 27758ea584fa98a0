"""How each event kind changes the engine's state. The only code that mutates it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .model import Event, EventKind, Ticket, TicketState, Tier, WindowStatus

if TYPE_CHECKING:
    from .engine import Engine

Applier = Callable[[Event], None]


class _Appliers:
    """One small method per event kind; each changes the engine by exactly that fact."""

    def __init__(self, engine: Engine) -> None:
        self.e = engine

    def day_started(self, ev: Event) -> None:
        e = self.e
        e.day = ev.data["day"]
        e.latest = ev.at  # what replay of the day alone rebuilds too
        e._reset_day()

    def issued(self, ev: Event) -> None:
        e = self.e
        d = ev.data
        prefix = e.layout.services[d["service"]].prefix  # look up before changing anything
        t = Ticket(
            number=d["ticket"],
            service=d["service"],
            seq=d["seq"],
            day=d["day"],
            issued_at=d.get("issued_at", ev.at),  # an offline ticket: the kiosk's issue time
            rank_at=_arrival(ev, e.latest) - e.boost_s(d["priority"]),
            priority=d["priority"],
            front=e.is_front(d["priority"]),
            state=TicketState(d["state"]),
            source=d.get("source", ""),
            appointment=d.get("appointment"),
            offline=bool(d.get("offline")),
        )
        e.tickets[t.number] = t
        e.state_counts[t.state] += 1
        e.counters[prefix] = max(e.counters.get(prefix, 0), t.seq)
        e.issued[t.service] = e.issued.get(t.service, 0) + 1
        e.issue_times[t.service].append(t.issued_at)
        if t.state is TicketState.WAITING:
            e.waiting[t.service].append(t)
        else:
            e.unconfirmed[t.number] = t

    def printed(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.unconfirmed.pop(t.number, None)
        t.print_assumed = bool(ev.data.get("assumed"))
        if t.state is TicketState.ISSUED:
            e.set_state(t, TicketState.WAITING)
            e.waiting[t.service].append(t)

    def cancelled(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.unqueue(t)
        e.unconfirmed.pop(t.number, None)
        e.set_state(t, TicketState.CANCELLED)
        t.reason = ev.data.get("reason", "")

    def called(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        w = e.windows[ev.data["window"]]
        e.unqueue(t)
        e.set_state(t, TicketState.CALLED)
        t.window, t.called_at, t.reason = w.id, ev.at, ev.data["reason"]
        t.calls += 1
        e.call_times[t.service].append(ev.at)
        w.ticket = t.number
        w.normal_since_priority = 0 if t.front else w.normal_since_priority + 1
        w.continuing_streak = w.continuing_streak + 1 if t.continuing else 0

    def recalled(self, ev: Event) -> None:
        e = self.e
        e.tickets[ev.data["ticket"]].calls += 1

    def started(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.set_state(t, TicketState.SERVING)
        t.started_at = ev.at

    def finished(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.set_state(t, TicketState.DONE)
        begun = t.started_at if t.started_at is not None else t.called_at
        if begun is not None and not ev.data.get("joint"):  # a review is no service time
            e.durations[t.service].append(max(0.0, ev.at - begun))  # a step back: not < 0
        e.leave_window(t)
        if t.window is not None:
            e.windows[t.window].served += 1

    def no_show(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.set_state(t, TicketState.NO_SHOW)
        e.leave_window(t)

    def held(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.set_state(t, TicketState.HELD)
        e.leave_window(t)

    def transferred(self, ev: Event) -> None:
        e = self.e
        t = e.tickets[ev.data["ticket"]]
        e.leave_window(t)
        e.set_state(t, TicketState.WAITING)
        t.service, t.window = ev.data["to"], None
        t.transfers += 1
        e.waiting[t.service].append(t)

    def rated(self, ev: Event) -> None:
        e = self.e
        t: Ticket = e.tickets[ev.data["ticket"]]
        w = e.windows[ev.data["window"]]
        t.rating = ev.data["score"]
        e.ratings[t.rating] = e.ratings.get(t.rating, 0) + 1
        w.rating_sum += t.rating
        w.rating_count += 1

    def opened(self, ev: Event) -> None:
        e = self.e
        w = e.windows[ev.data["window"]]
        w.status, w.staff, w.since, w.pause_reason = WindowStatus.OPEN, ev.data["staff"], ev.at, ""

    def closed(self, ev: Event) -> None:
        e = self.e
        w = e.windows[ev.data["window"]]
        w.status, w.staff, w.since = WindowStatus.CLOSED, None, ev.at

    def paused(self, ev: Event) -> None:
        e = self.e
        w = e.windows[ev.data["window"]]
        w.status, w.since, w.pause_reason = WindowStatus.PAUSED, ev.at, ev.data["reason"]

    def resumed(self, ev: Event) -> None:
        e = self.e
        w = e.windows[ev.data["window"]]
        w.status, w.since, w.pause_reason = WindowStatus.OPEN, ev.at, ""

    def services_set(self, ev: Event) -> None:
        e = self.e
        w = e.windows[ev.data["window"]]
        w.services = {code: Tier(tier) for code, tier in ev.data["services"].items()}
        e.reindex()

    def ratio_set(self, ev: Event) -> None:
        e = self.e
        e.priority_ratio = ev.data["ratio"]


def _arrival(ev: Event, latest: float) -> float:
    """Where a new ticket joins its line. Online: now, and a clock stepped back never puts
    it ahead of those already in line. Offline (issue_offline): when the kiosk printed it,
    already checked by the service against the lease and its own clock."""
    if "issued_at" in ev.data:
        return float(ev.data["issued_at"])
    return max(ev.at, latest)


def appliers(e: Engine) -> dict[str, Applier]:
    """Event kind -> the method that applies it to ``e``."""
    a = _Appliers(e)
    return {
        EventKind.DAY_STARTED: a.day_started,
        EventKind.TICKET_ISSUED: a.issued,
        EventKind.TICKET_PRINTED: a.printed,
        EventKind.TICKET_CANCELLED: a.cancelled,
        EventKind.TICKET_CALLED: a.called,
        EventKind.TICKET_RECALLED: a.recalled,
        EventKind.TICKET_STARTED: a.started,
        EventKind.TICKET_FINISHED: a.finished,
        EventKind.TICKET_NO_SHOW: a.no_show,
        EventKind.TICKET_HELD: a.held,
        EventKind.TICKET_TRANSFERRED: a.transferred,
        EventKind.TICKET_RATED: a.rated,
        EventKind.WINDOW_OPENED: a.opened,
        EventKind.WINDOW_CLOSED: a.closed,
        EventKind.WINDOW_PAUSED: a.paused,
        EventKind.WINDOW_RESUMED: a.resumed,
        EventKind.WINDOW_SERVICES_SET: a.services_set,
        EventKind.PRIORITY_RATIO_SET: a.ratio_set,
    }


# Kinds that outlive a business day: replayed from the whole history at start.
PERSISTENT_KINDS = frozenset({EventKind.WINDOW_SERVICES_SET, EventKind.PRIORITY_RATIO_SET})
