"""Agency (帮办代办 / 全程代理): an agency desk carries a case for the citizen.

An agency desk is a window marked ``agency`` in hall.toml. It takes a case — one already
issued (waiting, or held after a no-show), or a new one it opens for a matter on the spot —
and from then on the case is *carried*: it stays in the queues of its stages as before, but
when a window calls it the displays and the voice call the agent ("请 帮办员王 到 8号窗口"),
never the citizen, who may leave the hall. Releasing the case makes it the citizen's own
again. Only staff names and desk names are recorded: nothing about the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import ErrorCode, QueueError
from .model import Event, EventKind, TicketState, Window

if TYPE_CHECKING:
    from .engine import Engine

TAKEABLE = frozenset({TicketState.WAITING, TicketState.HELD})


def desk(e: Engine, window: str) -> Window:
    """The agency desk ``window`` (refused when the window is not one)."""
    w = e.window(window)
    if not e.layout.windows[w.id].agency:
        raise QueueError(
            ErrorCode.NOT_AGENCY_DESK, f"window {w.id} is not an agency desk (帮办代办)"
        )
    return w


def decide_take(
    e: Engine,
    window: str,
    now: float,
    *,
    ticket: str | None = None,
    matter: str | None = None,
    agent: str | None = None,
    by: str = "",
    **issue: Any,
) -> list[Event]:
    """The desk takes case ``ticket``, or opens a case for ``matter`` and takes it."""
    w = desk(e, window)
    if (ticket is None) == (matter is None):
        raise QueueError(ErrorCode.BAD_PAYLOAD, "name exactly one of 'ticket' and 'matter'")
    events: list[Event] = []
    if matter is not None:
        events = e.decide_issue_case(matter, now, **issue)
        number, was = events[0].data["ticket"], "new"
    else:
        number, was = _takeable(e, ticket or ""), str(e.ticket(ticket or "").state)
    data = {
        "ticket": number,
        "desk": w.id,
        "agent": agent or e.layout.windows[w.id].name,
        "by": by or w.id,
        "was": was,
    }
    return events + [Event(EventKind.AGENCY_TAKEN, now, data)]


def _takeable(e: Engine, ticket: str) -> str:
    t = e.ticket(ticket)
    if t.number not in e.cases:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is not a case (一件事)")
    if t.agent is not None:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is already carried by {t.desk}")
    if t.joint is not None:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is in joint review {t.joint}")
    if t.state not in TAKEABLE:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is {t.state}: not waiting or held")
    return t.number


def decide_release(
    e: Engine, ticket: str, now: float, *, window: str | None = None, by: str = ""
) -> list[Event]:
    """The case is the citizen's own again; ``window``: the desk asking (a manager: None)."""
    t = e.ticket(ticket)
    if t.agent is None or t.desk is None:
        raise QueueError(ErrorCode.BAD_STATE, f"{t.number} is not carried by an agency desk")
    if window is not None and window != t.desk:
        raise QueueError(ErrorCode.FORBIDDEN, f"{t.number} is carried by {t.desk}, not {window}")
    data = {"ticket": t.number, "desk": t.desk, "by": by or window or ""}
    return [Event(EventKind.AGENCY_RELEASED, now, data)]


class _AgencyAppliers:
    def __init__(self, engine: Engine) -> None:
        self.e = engine

    def taken(self, ev: Event) -> None:
        e, d = self.e, ev.data
        t = e.tickets[d["ticket"]]
        e.windows[d["desk"]]  # look up before changing anything
        if t.state is TicketState.HELD:  # back in the queue of its visit, at its old place
            e.set_state(t, TicketState.WAITING)
            e.waiting[t.service].append(t)
        t.agent, t.desk = d["agent"], d["desk"]

    def released(self, ev: Event) -> None:
        t = self.e.tickets[ev.data["ticket"]]
        t.agent = t.desk = None


def agency_appliers(e: Engine) -> dict[str, Callable[[Event], None]]:
    a = _AgencyAppliers(e)
    return {EventKind.AGENCY_TAKEN: a.taken, EventKind.AGENCY_RELEASED: a.released}


def agency_fields(e: Engine, number: str | None) -> dict[str, Any]:
    """What a call, a window's state and a case say of the agency carrying a ticket."""
    t = e.tickets.get(number or "")
    if t is None or t.agent is None or t.desk is None:
        return {}
    spec = e.layout.windows.get(t.desk)
    return {
        "agent": t.agent,
        "desk": t.desk,
        "desk_name": spec.name if spec else t.desk,
        "desk_name_en": spec.name_en if spec else t.desk,
    }
