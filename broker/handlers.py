"""Commands -> engine decisions: one small handler per op (no if-chain, no MQTT here)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hallq import protocol as p
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.joint import review
from hallq.core.leases import blocks_of
from hallq.core.model import Event, EventKind

log = logging.getLogger(__name__)
Handler = Callable[[Engine, Any, str, str | None, float], list[Event]]


def _win(window: str | None, cmd: Any) -> str:
    """The window a command acts on: the counter's own, or the one a manager names."""
    named = getattr(cmd, "window", None)
    if window is not None:
        if named is not None and named != window:
            raise QueueError(ErrorCode.FORBIDDEN, f"this device works window {window} only")
        return window
    if named is None:
        raise QueueError(ErrorCode.BAD_PAYLOAD, "field 'window' is required")
    return str(named)


def _own_or_served(e: Engine, window: str | None, number: str, op: str) -> None:
    """Role limits on acting on a ticket by number (docs/protocol.md, "Who may do what"):
    a counter may call (特呼) or cancel only a ticket of a service its window serves, or one
    that was at its window; a manager (no window of its own) may act on any ticket."""
    if window is None:
        return
    t = e.ticket(number)
    if t.window == window or t.service in e.window(window).services:
        return
    raise QueueError(
        ErrorCode.FORBIDDEN, f"window {window} does not serve {t.service}; it may not {op} {number}"
    )


def _call(e: Engine, c: p.Call, dev: str, window: str | None, now: float) -> list[Event]:
    _own_or_served(e, window, c.ticket, "call")
    return e.decide_call(_win(window, c), c.ticket, now)


def _cancel(e: Engine, c: p.Cancel, dev: str, window: str | None, now: float) -> list[Event]:
    _own_or_served(e, window, c.ticket, "cancel")
    return e.decide_cancel(c.ticket, now, reason=c.reason)


def _print_result(
    e: Engine, c: p.PrintResult, dev: str, window: str | None, now: float
) -> list[Event]:
    """Only the kiosk that issued a ticket reports its print (another kiosk could void it)."""
    ticket = e.ticket(c.ticket)
    if ticket.source != dev:
        raise QueueError(ErrorCode.FORBIDDEN, f"{ticket.number} was not issued by {dev}")
    return e.decide_print_result(c.ticket, c.ok, now, reason=c.reason)


def _evaluate(e: Engine, c: p.Evaluate, dev: str, window: str | None, now: float) -> list[Event]:
    ticket = e.ticket(c.ticket)
    if window is not None and ticket.window != window:
        raise QueueError(ErrorCode.FORBIDDEN, f"{ticket.number} was not served at {window}")
    return e.decide_evaluate(c.ticket, c.score, now, source=dev)


def _issue(e: Engine, c: p.Issue, dev: str, window: str | None, now: float) -> list[Event]:
    """A ticket for a service, or a case for a matter (一件事): same number rules."""
    if c.matter is not None:
        return e.decide_issue_case(
            c.matter, now, priority=c.priority, confirm=c.confirm, source=dev
        )
    assert c.service is not None  # Issue.__post_init__: exactly one of the two
    return e.decide_issue(
        c.service,
        now,
        priority=c.priority,
        confirm=c.confirm,
        source=dev,
        appointment=c.appointment,
    )


def _joint_open(e: Engine, c: p.JointOpen, dev: str, window: str | None, now: float):
    """A counter opens a review for a ticket it may act on; a manager for any ticket."""
    _own_or_served(e, window, c.ticket, "open a joint review for")
    by = window or dev
    if c.by:
        log.info("joint review of %s opened by %s (%s)", c.ticket, dev, c.by)
    return e.decide_joint_open(
        c.ticket, c.room, c.departments, now, by=by, window=window, staff=c.staff
    )


def _joint_close(e: Engine, c: p.JointClose, dev: str, window: str | None, now: float):
    """The opener, a summoned window or a manager closes a review."""
    r = review(e, c.review)
    if window is not None and window != r.by and window not in r.windows:
        raise QueueError(ErrorCode.FORBIDDEN, f"window {window} is not at joint review {r.id}")
    return e.decide_joint_close(c.review, now, outcome=c.outcome, by=window or dev)


def _agency_take(e: Engine, c: p.AgencyTake, dev: str, window: str | None, now: float):
    """A counter at an agency desk takes a case at its own desk; a manager names the desk."""
    desk = _win(window, c)
    if c.by:
        log.info("agency desk %s takes a case (by %s)", desk, c.by)
    return e.decide_agency_take(
        desk,
        now,
        ticket=c.ticket,
        matter=c.matter,
        agent=c.agent,
        by=c.by or dev,
        priority=c.priority,
        source=dev,
    )


def _agency_release(e: Engine, c: p.AgencyRelease, dev: str, window: str | None, now: float):
    """The desk carrying a case, or a manager, gives it back to the citizen."""
    return e.decide_agency_release(c.ticket, now, window=window, by=c.by or window or dev)


def _issue_offline(
    e: Engine, c: p.IssueOffline, dev: str, window: str | None, now: float
) -> list[Event]:
    """A ticket printed offline joins its queue: only with a number leased to this kiosk."""
    return e.decide_issue_offline(
        dev, c.service, c.ticket, issued_at=c.issued_at, day=c.day, now=now, priority=c.priority
    )


HANDLERS: dict[str, Handler] = {
    "issue": _issue,
    "lease": lambda e, c, dev, w, now: e.decide_lease(dev, list(c.prefixes), c.count, now),
    "issue_offline": _issue_offline,
    "print_result": _print_result,
    "call_next": lambda e, c, dev, w, now: e.decide_call_next(_win(w, c), now),
    "call": _call,
    "recall": lambda e, c, dev, w, now: e.decide_recall(_win(w, c), now),
    "start": lambda e, c, dev, w, now: e.decide_start(_win(w, c), now),
    "no_show": lambda e, c, dev, w, now: e.decide_no_show(_win(w, c), now),
    "finish": lambda e, c, dev, w, now: e.decide_finish(_win(w, c), now),
    "hold": lambda e, c, dev, w, now: e.decide_hold(_win(w, c), now),
    "transfer": lambda e, c, dev, w, now: e.decide_transfer(_win(w, c), c.service, now),
    "cancel": _cancel,
    "pause": lambda e, c, dev, w, now: e.decide_pause(_win(w, c), now, reason=c.reason),
    "resume": lambda e, c, dev, w, now: e.decide_resume(_win(w, c), now),
    "open": lambda e, c, dev, w, now: e.decide_open(_win(w, c), now, staff=c.staff),
    "close": lambda e, c, dev, w, now: e.decide_close(_win(w, c), now),
    "evaluate": _evaluate,
    "set_services": lambda e, c, dev, w, now: e.decide_set_services(c.window, c.services, now),
    "set_priority_ratio": lambda e, c, dev, w, now: e.decide_set_priority_ratio(c.ratio, now),
    "status": lambda e, c, dev, w, now: [],
    "joint_open": _joint_open,
    "joint_confirm": lambda e, c, dev, w, now: e.decide_joint_confirm(c.review, _win(w, c), now),
    "joint_close": _joint_close,
    "agency_take": _agency_take,
    "agency_release": _agency_release,
}


REPLY_KEYS = (
    "ticket",
    "service",
    "window",
    "reason",
    "reason_code",
    "priority_rule",
    "ahead",
    "est_wait_s",
    "priority",
    "wait_s",
    "score",
    "from",
    "to",
    "staff",
    "day",
    "matter",  # an issued case: its matter and stages
    "stages",
    "stage_rule",  # a continuing case went ahead (or a new arrival's turn)
    "review",  # a joint review (联审): its id, room, summoned windows, outcome
    "room",
    "windows",
    "outcome",
    "called",
    "issued_at",  # an offline ticket: its place in line
    "desk",  # 帮办代办: the desk carrying a case and the agent called
    "agent",
)

# Replies that say more than the command's own events: the state after them.
REPLY_STATE: dict[str, Callable[[Engine, str], dict[str, Any]]] = {
    "lease": lambda e, dev: {"day": e.day, "blocks": blocks_of(e, dev)},
}


def reply_fields(events: list[Event]) -> dict[str, Any]:
    """What a reply carries: the facts of the command's own events (last one wins)."""
    out: dict[str, Any] = {}
    for ev in events:
        if ev.kind == EventKind.DAY_STARTED:
            continue
        out.update({k: v for k, v in ev.data.items() if k in REPLY_KEYS})
        out["at"] = ev.at
    return out
