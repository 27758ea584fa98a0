"""The queue engine: commands decide events, events change state.

``decide_*`` methods read the state and return the events a command produces (raising
:class:`QueueError` and changing nothing when the rules refuse). :meth:`Engine.apply` is the only
place state changes, so replaying a day's stored events rebuilds exactly the same state.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from . import agency, cases, joint, leases
from .apply import appliers
from .clock import HallClock, is_later_day
from .errors import ErrorCode, QueueError
from .estimate import estimate_wait
from .model import (
    CallRule,
    Case,
    Event,
    EventKind,
    JointOutcome,
    JointReview,
    Layout,
    PriorityPolicy,
    Ticket,
    TicketState,
    Tier,
    Window,
    WindowStatus,
)
from .policies import Policy, get_policy
from .routing import Why

DEFAULT_POLICY = "default"

ISSUE_CONFIRM_TIMEOUT_S = 60.0


ISSUES_KEPT = 60  # per service: an hour of a busy line's issue times


class Engine:
    """All tickets and windows of one hall for the current business day."""

    def __init__(self, layout: Layout, policy: str | Policy = DEFAULT_POLICY) -> None:
        self.layout = layout
        self.policy = get_policy(policy)
        self.clock = HallClock(layout.timezone, layout.day_start_min, layout.hours, layout.calendar)
        self.priority_ratio = layout.priority_ratio
        self.windows = {w.id: Window(w.id, dict(w.services)) for w in layout.windows.values()}
        self.reindex()
        self.day = ""
        self.latest = 0.0  # newest event time of the day: the clock may step back below it
        self.version = 0  # counts applied events (caches of derived figures compare it)
        self.derived: dict[str, tuple[int, Any]] = {}  # name -> (version, value)
        self._reset_day()
        self._appliers: dict[str, Callable[[Event], None]] = {
            **appliers(self),
            **cases.case_appliers(self),
            **joint.joint_appliers(self),
            **agency.agency_appliers(self),
            EventKind.NUMBERS_LEASED: lambda ev: leases.apply_leased(self, ev),
        }

    def _reset_day(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.cases: dict[str, Case] = {}  # ticket number -> its case (一件事), if it has one
        self.joint: dict[str, JointReview] = {}  # the day's joint reviews (联审) by id
        self.unconfirmed: dict[str, Ticket] = {}  # ISSUED: print not yet confirmed
        self.waiting: dict[str, list[Ticket]] = {c: [] for c in self.layout.services}
        self.counters: dict[str, int] = {}
        # (device, prefix) -> number blocks leased for offline issue today (leases.py)
        self.leases: dict[tuple[str, str], list[leases.Lease]] = {}
        self.issued: dict[str, int] = {}
        # kept by the appliers so a view never walks the day's tickets (issue 15)
        self.state_counts: dict[TicketState, int] = dict.fromkeys(TicketState, 0)
        self.ratings: dict[int, int] = {}
        self.durations: dict[str, deque[float]] = {
            c: deque(maxlen=self.layout.estimate_window) for c in self.layout.services
        }
        self.call_times: dict[str, deque[float]] = {
            c: deque(maxlen=self.layout.estimate_window) for c in self.layout.services
        }
        # recent issue times: the demand on a line (a guarded_cmu window's load, hallq/core/cmu.py)
        self.issue_times: dict[str, deque[float]] = {
            c: deque(maxlen=ISSUES_KEPT) for c in self.layout.services
        }
        for w in self.windows.values():
            w.status, w.staff, w.ticket, w.pause_reason = WindowStatus.CLOSED, None, None, ""
            w.served = w.rating_sum = w.rating_count = 0
            w.normal_since_priority = 1_000_000
            w.continuing_streak = 0

    # ----------------------------------------------------------------- lookups
    def window(self, window_id: str) -> Window:
        try:
            return self.windows[window_id]
        except KeyError:
            raise QueueError(ErrorCode.UNKNOWN_WINDOW, f"no window {window_id!r}") from None

    def ticket(self, number: str) -> Ticket:
        try:
            return self.tickets[number.upper()]
        except KeyError:
            raise QueueError(ErrorCode.UNKNOWN_TICKET, f"no ticket {number!r} today") from None

    def current(self, window_id: str) -> Ticket:
        w = self.window(window_id)
        if w.ticket is None:
            raise QueueError(ErrorCode.NO_CURRENT_TICKET, f"window {window_id} has no ticket")
        return self.tickets[w.ticket]

    def queued(self, service: str) -> list[Ticket]:
        """Tickets of a service not yet called: waiting, plus issued ones awaiting print."""
        issued = [t for t in self.unconfirmed.values() if t.service == service]
        return self.waiting[service] + issued

    def service_open_reason(self, service: str, now: float) -> ErrorCode | None:
        """Why a new ticket for ``service`` would be refused now, or None."""
        closed = self.clock.closed_reason(now, service)
        if closed is not None:
            return closed
        cap = self.layout.services[service].daily_cap
        if cap is not None and self.issued.get(service, 0) >= cap:
            return ErrorCode.DAILY_CAP
        if not any(w.status is not WindowStatus.CLOSED for w in self.serving[service]):
            return ErrorCode.SERVICE_CLOSED
        return None

    def opens_at(self, service: str, now: float) -> float | None:
        """When ``service`` takes tickets again if it is refused now by the calendar (hall
        hours, holiday, lunch, its own hours) or its daily cap; None when open, or when only
        staff can open it (no open window)."""
        reason = self.service_open_reason(service, now)
        if reason is ErrorCode.DAILY_CAP:
            return self.clock.next_opening(now, service, tomorrow=True)
        if reason is None or self.clock.closed_reason(now, service) is None:
            return None
        return self.clock.next_opening(now, service)

    def estimate(self, service: str, now: float | None = None) -> tuple[int, float | None]:
        """(people ahead of a new normal ticket, estimated wait in seconds or None).

        Pass ``now`` to use the recent call rate too (more accurate); without it the estimate
        rests on capacity alone."""
        return estimate_wait(self, service, now)

    # ---------------------------------------------------------------- periodic
    def tick(self, now: float) -> list[Event]:
        """Day rollover and issued tickets whose print was never confirmed.

        The business day only moves forward: a clock stepped back (even across day_starts)
        keeps today, its numbering and its open windows; the next day starts once the clock
        passes the next day's start. A print counts as unconfirmed once the clock is more
        than the timeout away from its issue, either way: after a step back the elapsed time
        is unknown, and assuming the print is what the timeout does anyway."""
        day = self.clock.business_day(now)
        if is_later_day(day, self.day):
            return [Event(EventKind.DAY_STARTED, now, {"day": day, "previous": self.day})]
        stale = [
            t.number
            for t in self.unconfirmed.values()
            if abs(now - t.issued_at) > ISSUE_CONFIRM_TIMEOUT_S
        ]
        return [Event(EventKind.TICKET_PRINTED, now, {"ticket": n, "assumed": True}) for n in stale]

    # ---------------------------------------------------------------- tickets
    def decide_issue(
        self,
        service: str,
        now: float,
        *,
        priority: str | None = None,
        confirm: bool = False,
        source: str = "",
        appointment: str | None = None,
    ) -> list[Event]:
        spec = self.layout.services.get(service)
        if spec is None:
            raise QueueError(ErrorCode.UNKNOWN_SERVICE, f"no service {service!r}")
        if priority is not None and priority not in self.layout.priority_classes:
            raise QueueError(ErrorCode.UNKNOWN_PRIORITY, f"no priority class {priority!r}")
        refusal = self.service_open_reason(service, now)
        if refusal is not None:
            opens = self.opens_at(service, now)
            raise QueueError(refusal, f"{spec.name} cannot take tickets now ({refusal})", opens)
        seq = self.counters.get(spec.prefix, 0) + 1
        ahead, est = self.estimate(service, now)
        data = {
            "ticket": leases.number(spec.prefix, seq),
            "service": service,
            "seq": seq,
            "day": self.day,
            "priority": priority,
            "state": str(TicketState.ISSUED if confirm else TicketState.WAITING),
            "ahead": ahead,
            "est_wait_s": None if est is None else round(est),
            "source": source,
        }
        if appointment is not None:
            data["appointment"] = appointment  # the booking code, kept for the day's report
        return [Event(EventKind.TICKET_ISSUED, now, data)]

    def decide_issue_case(self, matter: str, now: float, **issue: Any) -> list[Event]:
        """A ticket for a matter (一件事): its first visit's queue, and its case opened."""
        return cases.decide_open(self, matter, now, **issue)

    def decide_lease(self, device: str, prefixes: list[str], count: int, now: float) -> list[Event]:
        """Number blocks a kiosk holds for issuing while the service is unreachable."""
        return leases.decide_lease(self, device, prefixes, count, now)

    def decide_issue_offline(
        self, device: str, service: str, ticket: str, **kw: Any
    ) -> list[Event]:
        """A ticket printed offline with a leased number joins its queue at its issue time
        (keywords: issued_at, day, now, priority)."""
        return leases.decide_issue_offline(self, device, service, ticket, **kw)

    def decide_print_result(
        self, ticket: str, ok: bool, now: float, reason: str = ""
    ) -> list[Event]:
        """The kiosk's word on a print. A failure reported late (the kiosk was offline past
        the confirm timeout, so the ticket went to the queue) still voids it while uncalled."""
        t = self.ticket(ticket)
        late = t.print_assumed and t.state in (TicketState.WAITING, TicketState.HELD)
        if t.state is not TicketState.ISSUED and not late:
            raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is {t.state}, not awaiting print")
        if ok:
            return (
                []
                if late
                else [Event(EventKind.TICKET_PRINTED, now, {"ticket": t.number, "assumed": False})]
            )
        return [
            Event(
                EventKind.TICKET_CANCELLED, now, {"ticket": t.number, "reason": reason or "print"}
            )
        ]

    def decide_cancel(self, ticket: str, now: float, reason: str = "") -> list[Event]:
        t = self.ticket(ticket)
        self._not_in_review(t)
        if t.state not in (TicketState.ISSUED, TicketState.WAITING, TicketState.HELD):
            raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is {t.state}")
        return [Event(EventKind.TICKET_CANCELLED, now, {"ticket": t.number, "reason": reason})]

    def decide_evaluate(self, ticket: str, score: int, now: float, source: str = "") -> list[Event]:
        t = self.ticket(ticket)
        if t.rating is not None:
            raise QueueError(ErrorCode.ALREADY_RATED, f"{t.number} was already rated")
        if t.state is not TicketState.DONE or t.window is None:
            raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is {t.state}, not finished")
        data = {"ticket": t.number, "score": score, "window": t.window, "source": source}
        return [Event(EventKind.TICKET_RATED, now, data)]

    # ---------------------------------------------------------------- windows
    def _usable(self, window_id: str) -> Window:
        w = self.window(window_id)
        if w.status is WindowStatus.CLOSED:
            raise QueueError(ErrorCode.WINDOW_CLOSED, f"window {window_id} is closed")
        if w.status is WindowStatus.PAUSED:
            raise QueueError(ErrorCode.WINDOW_PAUSED, f"window {window_id} is paused")
        return w

    def _finish_current(self, w: Window, now: float) -> list[Event]:
        if w.ticket is None:
            return []
        finished = Event(EventKind.TICKET_FINISHED, now, {"ticket": w.ticket, "window": w.id})
        return [finished] + cases.after_visit(self, self.tickets[w.ticket], w, now)

    def decide_call_next(self, window: str, now: float) -> list[Event]:
        w = self._usable(window)
        picked = self.policy.choose(self, w, now)
        if picked is None:
            raise QueueError(ErrorCode.QUEUE_EMPTY, f"nobody waits for window {window}")
        return self._finish_current(w, now) + [self._called(w, picked.ticket, picked.why, now)]

    def decide_call(self, window: str, ticket: str, now: float) -> list[Event]:
        w = self._usable(window)
        t = self.ticket(ticket)
        if t.state not in (TicketState.WAITING, TicketState.HELD):
            raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is {t.state}")
        self._not_in_review(t)
        why = Why(CallRule.BY_NUMBER, t.service)
        return self._finish_current(w, now) + [self._called(w, t, why, now)]

    def _not_in_review(self, t: Ticket) -> None:
        if t.joint is not None:
            raise QueueError(
                ErrorCode.BAD_STATE, f"{t.number} is in joint review {t.joint}: close it first"
            )

    # ---------------------------------------------------------- joint review
    def decide_joint_open(
        self,
        ticket: str,
        room: str,
        departments: list[str],
        now: float,
        *,
        by: str = "",
        window: str | None = None,
        staff: dict[str, str] | None = None,
    ) -> list[Event]:
        """Open a joint review (联审联批) of ``ticket`` in ``room`` (core/joint.py)."""
        return joint.decide_open(
            self,
            ticket,
            room,
            departments,
            now,
            by=by or (window or ""),
            window=window,
            staff=staff,
        )

    def decide_joint_confirm(self, review: str, window: str, now: float) -> list[Event]:
        return joint.decide_confirm(self, review, window, now)

    def decide_joint_close(
        self, review: str, now: float, outcome: str = "done", by: str = ""
    ) -> list[Event]:
        return joint.decide_close(self, review, JointOutcome(outcome), now, by=by)

    # ------------------------------------------------------------ agency (帮办代办)
    def decide_agency_take(self, window: str, now: float, **kw: Any) -> list[Event]:
        """An agency desk takes a case (``ticket``) or opens one (``matter``): core/agency.py."""
        return agency.decide_take(self, window, now, **kw)

    def decide_agency_release(
        self, ticket: str, now: float, window: str | None = None, by: str = ""
    ) -> list[Event]:
        return agency.decide_release(self, ticket, now, window=window, by=by)

    def _called(self, w: Window, t: Ticket, why: Why, now: float) -> Event:
        data = {
            "ticket": t.number,
            "window": w.id,
            "service": t.service,
            "priority": t.priority,
            "front": t.front,
            "reason": why.text(),
            "reason_code": str(why.rule),
            "priority_rule": None if why.priority is None else str(why.priority),
            "stage_rule": None if why.stage is None else str(why.stage),
            "continuing": t.continuing,
            "wait_s": max(0, round(now - self.queued_since(t))),  # never < 0 after a step back
        }
        return Event(EventKind.TICKET_CALLED, now, data)

    def decide_recall(self, window: str, now: float) -> list[Event]:
        t = self.current(window)
        return [Event(EventKind.TICKET_RECALLED, now, {"ticket": t.number, "window": window})]

    def decide_start(self, window: str, now: float) -> list[Event]:
        t = self.current(window)
        if t.state is not TicketState.CALLED:
            raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is already {t.state}")
        return [Event(EventKind.TICKET_STARTED, now, {"ticket": t.number, "window": window})]

    def decide_finish(self, window: str, now: float) -> list[Event]:
        self.current(window)
        return self._finish_current(self.window(window), now)

    def decide_no_show(self, window: str, now: float) -> list[Event]:
        """A no-show ends a ticket; a case is held for recall instead (its matter stays)."""
        t = self.current(window)
        data = {"ticket": t.number, "window": window}
        if t.number in self.cases:
            return [Event(EventKind.TICKET_HELD, now, {**data, "no_show": True})]
        return [Event(EventKind.TICKET_NO_SHOW, now, data)]

    def decide_hold(self, window: str, now: float) -> list[Event]:
        t = self.current(window)
        return [Event(EventKind.TICKET_HELD, now, {"ticket": t.number, "window": window})]

    def decide_transfer(self, window: str, service: str, now: float) -> list[Event]:
        t = self.current(window)
        if service not in self.layout.services:
            raise QueueError(ErrorCode.UNKNOWN_SERVICE, f"no service {service!r}")
        if service == t.service:
            raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is already in {service}")
        data = {"ticket": t.number, "window": window, "from": t.service, "to": service}
        return [Event(EventKind.TICKET_TRANSFERRED, now, data)]

    def decide_open(self, window: str, now: float, staff: str | None = None) -> list[Event]:
        self.window(window)
        return [Event(EventKind.WINDOW_OPENED, now, {"window": window, "staff": staff})]

    def decide_close(self, window: str, now: float) -> list[Event]:
        w = self.window(window)
        return self._finish_current(w, now) + [
            Event(EventKind.WINDOW_CLOSED, now, {"window": window})
        ]

    def decide_pause(self, window: str, now: float, reason: str = "") -> list[Event]:
        w = self._usable(window)
        events = self._finish_current(w, now)
        return events + [Event(EventKind.WINDOW_PAUSED, now, {"window": window, "reason": reason})]

    def decide_resume(self, window: str, now: float) -> list[Event]:
        w = self.window(window)
        if w.status is not WindowStatus.PAUSED:
            raise QueueError(ErrorCode.BAD_STATE, f"window {window} is {w.status}, not paused")
        return [Event(EventKind.WINDOW_RESUMED, now, {"window": window})]

    def decide_set_services(self, window: str, services: dict[str, str], now: float) -> list[Event]:
        self.window(window)
        for code, tier in services.items():
            if code not in self.layout.services:
                raise QueueError(ErrorCode.UNKNOWN_SERVICE, f"no service {code!r}")
            if tier not in (Tier.PRIMARY, Tier.SECONDARY):
                raise QueueError(ErrorCode.BAD_PAYLOAD, f"tier {tier!r} is not primary/secondary")
        return [Event(EventKind.WINDOW_SERVICES_SET, now, {"window": window, "services": services})]

    def decide_set_priority_ratio(self, ratio: int, now: float) -> list[Event]:
        if ratio < 0:
            raise QueueError(ErrorCode.BAD_PAYLOAD, "priority ratio must be >= 0")
        return [Event(EventKind.PRIORITY_RATIO_SET, now, {"ratio": ratio})]

    # ------------------------------------------------------------------ apply
    def apply(self, event: Event) -> None:
        """Change the state by one event (the only mutator)."""
        self._appliers[event.kind](event)
        self.version += 1  # any cached derived figure of the state is now stale
        self.latest = max(self.latest, event.at)

    def apply_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.apply(event)

    def decider(self, op: str) -> Callable[..., list[Event]]:
        """The decide_* method for a protocol op (a table, not a name built at run time)."""
        table: dict[str, Callable[..., list[Event]]] = {
            "issue": self.decide_issue,
            "issue_case": self.decide_issue_case,
            "lease": self.decide_lease,
            "issue_offline": self.decide_issue_offline,
            "print_result": self.decide_print_result,
            "cancel": self.decide_cancel,
            "evaluate": self.decide_evaluate,
            "call_next": self.decide_call_next,
            "call": self.decide_call,
            "recall": self.decide_recall,
            "start": self.decide_start,
            "finish": self.decide_finish,
            "no_show": self.decide_no_show,
            "hold": self.decide_hold,
            "transfer": self.decide_transfer,
            "open": self.decide_open,
            "close": self.decide_close,
            "pause": self.decide_pause,
            "resume": self.decide_resume,
            "set_services": self.decide_set_services,
            "set_priority_ratio": self.decide_set_priority_ratio,
            "joint_open": self.decide_joint_open,
            "joint_confirm": self.decide_joint_confirm,
            "joint_close": self.decide_joint_close,
            "agency_take": self.decide_agency_take,
            "agency_release": self.decide_agency_release,
        }
        try:
            return table[op]
        except KeyError:
            raise QueueError(ErrorCode.BAD_PAYLOAD, f"no such op {op!r}") from None

    def run(self, op: str, now: float, **args: Any) -> list[Event]:
        """Decide and apply in one step (simulator and tests); returns the events."""
        events = self.tick(now)
        self.apply_all(events)
        decided = self.decider(op)(now=now, **args)
        self.apply_all(decided)
        return events + decided

    def is_front(self, priority: str | None) -> bool:
        spec = self.layout.priority_classes.get(priority or "")
        return spec is not None and spec.policy is PriorityPolicy.FRONT

    def boost_s(self, priority: str | None) -> float:
        spec = self.layout.priority_classes.get(priority or "")
        if spec is None or spec.policy is not PriorityPolicy.BOOST:
            return 0.0
        return spec.boost_min * 60

    def queued_since(self, t: Ticket) -> float:
        """When a ticket joined its current queue: its issue, or a case's latest move."""
        case = self.cases.get(t.number)
        return t.issued_at if case is None else case.queued_at

    def leave_window(self, t: Ticket) -> None:
        if t.window is not None and self.windows[t.window].ticket == t.number:
            self.windows[t.window].ticket = None

    def reindex(self) -> None:
        """Service -> the windows that list it (primary or secondary); rebuilt when a window's
        services change, so estimates and views look at those windows only (issue 15)."""
        serving: dict[str, list[Window]] = {code: [] for code in self.layout.services}
        for w in self.windows.values():
            for code in w.services:
                serving.setdefault(code, []).append(w)
        self.serving = serving

    def set_state(self, t: Ticket, state: TicketState) -> None:
        """Move a ticket to ``state``, keeping the per-state counts (appliers only)."""
        self.state_counts[t.state] -= 1
        self.state_counts[state] += 1
        t.state = state

    def unqueue(self, t: Ticket) -> None:
        if t.state is TicketState.WAITING:
            self.waiting[t.service].remove(t)
