"""Joint review (联审联批): several departments examine one ticket's matter together in a room.

A counter (or a manager) opens a review for a ticket naming the departments and a room
(``joint_opened``): the ticket is held (out of every queue) and each department's next free
window is summoned — a named staff member's window, else an open window with nobody at it,
else the open window whose current citizen was called first (it comes when done). The
opener's own window stands for its department and is confirmed at once. Each summoned window
confirms (``joint_confirmed``); the last confirmation calls the citizen to the room
(``joint_called``). Closing the review (``joint_closed``) either finishes the ticket's visit —
a case moves on to its next stage — or leaves it held for a call back by number. The windows
chosen are written into the events, so replay rebuilds every review exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ErrorCode, QueueError
from .model import (
    Event,
    EventKind,
    JointOutcome,
    JointPart,
    JointReview,
    JointStatus,
    TicketState,
    Window,
    WindowStatus,
)

if TYPE_CHECKING:
    from .engine import Engine

OPENABLE = frozenset(
    {TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.HELD}
)


def review(e: Engine, review_id: str) -> JointReview:
    found = e.joint.get(review_id)
    if found is None:
        raise QueueError(ErrorCode.UNKNOWN_REVIEW, f"no joint review {review_id!r} today")
    return found


def busy_in_review(e: Engine, window: str) -> JointReview | None:
    """The open review a window is summoned to (it cannot be summoned to a second)."""
    for r in e.joint.values():
        if r.status is not JointStatus.CLOSED and window in r.windows:
            return r
    return None


def decide_open(
    e: Engine,
    ticket: str,
    room: str,
    departments: Sequence[str],
    now: float,
    *,
    by: str,
    window: str | None = None,
    staff: Mapping[str, str] | None = None,
) -> list[Event]:
    """Open a review; ``window``: the opener's window (a counter), None for a manager."""
    t = e.ticket(ticket)
    if room not in e.layout.rooms:
        raise QueueError(ErrorCode.UNKNOWN_ROOM, f"no room {room!r} (hall.toml [[rooms]])")
    if not departments or len(set(departments)) != len(departments):
        raise QueueError(ErrorCode.BAD_PAYLOAD, "name each department once, at least one")
    for dep in [*departments, *(staff or {})]:
        if dep not in e.layout.departments:
            raise QueueError(ErrorCode.UNKNOWN_DEPARTMENT, f"no department {dep!r}")
    if t.state not in OPENABLE:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is {t.state}")
    if t.joint is not None:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is already in joint review {t.joint}")
    opener = e.window(window) if window is not None else None
    parts: list[dict[str, Any]] = []
    taken: set[str] = set()
    for dep in departments:
        w = _summon(e, dep, (staff or {}).get(dep), opener, taken)
        taken.add(w.id)
        own = opener is not None and w.id == opener.id
        parts.append({"department": dep, "window": w.id, "staff": w.staff, "confirmed": own})
    review_id = f"J{len(e.joint) + 1:03d}"
    data = {
        "review": review_id,
        "ticket": t.number,
        "room": room,
        "by": by,
        "parts": parts,
        "windows": [p["window"] for p in parts],
        "was": str(t.state),  # the state it is held from
    }
    events = [Event(EventKind.JOINT_OPENED, now, data)]
    if all(p["confirmed"] for p in parts):
        events.append(_called(review_id, t.number, room, now))
    return events


def _summon(
    e: Engine, dep: str, staff: str | None, opener: Window | None, taken: set[str]
) -> Window:
    """The window to summon for ``dep`` (module docstring: named staff, opener, free, busy)."""
    spec = e.layout.windows
    ours = [
        w
        for w in e.windows.values()
        if spec[w.id].department == dep
        and w.status is WindowStatus.OPEN
        and w.id not in taken
        and busy_in_review(e, w.id) is None
    ]
    if staff is not None:
        named = [w for w in e.windows.values() if w.staff == staff and w.id not in taken]
        if not named or named[0].status is WindowStatus.CLOSED:
            raise QueueError(ErrorCode.NO_OPEN_WINDOW, f"staff {staff} is not signed in")
        return named[0]
    if opener is not None and opener in ours:
        return opener
    free = [w for w in ours if w.ticket is None]
    if free:
        return free[0]
    if not ours:
        raise QueueError(ErrorCode.NO_OPEN_WINDOW, f"department {dep} has no open window to summon")
    return min(ours, key=lambda w: e.tickets[w.ticket or ""].called_at or 0.0)


def decide_confirm(e: Engine, review_id: str, window: str, now: float) -> list[Event]:
    r = review(e, review_id)
    part = r.part(window)
    if part is None:
        raise QueueError(ErrorCode.FORBIDDEN, f"window {window} is not summoned to {r.id}")
    if r.status is JointStatus.CLOSED or part.confirmed_at is not None:
        raise QueueError(ErrorCode.BAD_STATE, f"{r.id} is {r.status}; {window} confirmed")
    current = e.windows[window].ticket
    if current is not None:
        raise QueueError(ErrorCode.BAD_STATE, f"finish {current} at {window} first")
    data = {"review": r.id, "ticket": r.ticket, "window": window, "department": part.department}
    events = [Event(EventKind.JOINT_CONFIRMED, now, data)]
    if all(p.confirmed_at is not None for p in r.parts if p is not part):
        events.append(_called(r.id, r.ticket, r.room, now))
    return events


def _called(review_id: str, ticket: str, room: str, now: float) -> Event:
    data = {"review": review_id, "ticket": ticket, "room": room, "called": True}
    return Event(EventKind.JOINT_CALLED, now, data)


def decide_close(
    e: Engine, review_id: str, outcome: JointOutcome, now: float, *, by: str
) -> list[Event]:
    """End a review: ``done`` finishes the ticket's visit there (a case moves on), ``back``
    leaves the ticket held for a call back by number."""
    from .cases import after_visit

    r = review(e, review_id)
    if r.status is JointStatus.CLOSED:
        raise QueueError(ErrorCode.BAD_STATE, f"{r.id} is already closed")
    if outcome is JointOutcome.DONE and r.status is not JointStatus.CALLED:
        raise QueueError(ErrorCode.BAD_STATE, f"{r.id}: not every department confirmed yet")
    t = e.tickets[r.ticket]
    data = {"review": r.id, "ticket": t.number, "outcome": str(outcome), "by": by}
    events = [Event(EventKind.JOINT_CLOSED, now, data)]
    if outcome is JointOutcome.BACK:
        return events
    at = t.window if t.window in e.windows else r.parts[0].window
    finished = {"ticket": t.number, "window": at, "joint": r.id}
    return events + [
        Event(EventKind.TICKET_FINISHED, now, finished),
        *after_visit(e, t, e.windows[at], now),
    ]


class _JointAppliers:
    """The joint events' appliers (each looks everything up before changing anything)."""

    def __init__(self, engine: Engine) -> None:
        self.e = engine

    def opened(self, ev: Event) -> None:
        e, d = self.e, ev.data
        t = e.tickets[d["ticket"]]
        parts = [
            JointPart(p["department"], p["window"], p["staff"], ev.at)
            for p in d["parts"]
            if e.windows[p["window"]]  # look up before changing anything
        ]
        for p, raw in zip(parts, d["parts"], strict=True):
            p.confirmed_at = ev.at if raw["confirmed"] else None
        e.unqueue(t)
        e.leave_window(t)
        e.unconfirmed.pop(t.number, None)
        e.set_state(t, TicketState.HELD)
        t.joint = d["review"]
        e.joint[d["review"]] = JointReview(d["review"], t.number, d["room"], d["by"], ev.at, parts)

    def confirmed(self, ev: Event) -> None:
        r = self.e.joint[ev.data["review"]]
        part = r.part(ev.data["window"])
        if part is None:
            raise ValueError(f"{ev.data['window']} is not summoned to {r.id}")
        part.confirmed_at = ev.at

    def called(self, ev: Event) -> None:
        r = self.e.joint[ev.data["review"]]
        t = self.e.tickets[r.ticket]
        r.status, r.called_at = JointStatus.CALLED, ev.at
        t.calls += 1

    def closed(self, ev: Event) -> None:
        r = self.e.joint[ev.data["review"]]
        t = self.e.tickets[r.ticket]
        r.status, r.closed_at = JointStatus.CLOSED, ev.at
        r.outcome = JointOutcome(ev.data["outcome"])
        for p in r.parts:
            p.left_at = ev.at
        t.joint = None


def joint_appliers(e: Engine) -> dict[str, Callable[[Event], None]]:
    a = _JointAppliers(e)
    return {
        EventKind.JOINT_OPENED: a.opened,
        EventKind.JOINT_CONFIRMED: a.confirmed,
        EventKind.JOINT_CALLED: a.called,
        EventKind.JOINT_CLOSED: a.closed,
    }


def _review_head(e: Engine, r: JointReview) -> dict[str, Any]:
    """What every view of a review starts with: its id, ticket, room and status."""
    room = e.layout.rooms.get(r.room)
    return {
        "review": r.id,
        "ticket": r.ticket,
        "room": r.room,
        "room_name": room.name if room else r.room,
        "room_name_en": room.name_en if room else r.room,
        "status": str(r.status),
    }


def joint_view(e: Engine, r: JointReview, now: float) -> dict[str, Any]:
    """One review for the board and the counters: ticket, room, each department's times."""
    names = e.layout.departments
    return {
        **_review_head(e, r),
        "by": r.by,
        "opened_at": r.opened_at,
        "called_at": r.called_at,
        "closed_at": r.closed_at,
        "outcome": None if r.outcome is None else str(r.outcome),
        "confirm_within_s": round(e.layout.joint_confirm_s),
        "parts": [
            {
                "department": p.department,
                "department_name": names.get(p.department, (p.department, ""))[0],
                "department_name_en": names.get(p.department, ("", p.department))[1],
                "window": p.window,
                "window_name": e.layout.windows[p.window].name,
                "staff": p.staff,
                "summoned_at": p.summoned_at,
                "confirmed_at": p.confirmed_at,
                "left_at": p.left_at,
                "time_s": round(max(0.0, (p.left_at or now) - p.summoned_at)),
            }
            for p in r.parts
        ],
    }


def summons_view(e: Engine, window: str) -> dict[str, Any] | None:
    """What a window's state says of the review it is summoned to (None: none)."""
    r = busy_in_review(e, window)
    part = r.part(window) if r is not None else None
    if r is None or part is None:
        return None
    return {
        **_review_head(e, r),
        "confirmed": part.confirmed_at is not None,
        "summoned_at": part.summoned_at,
    }
