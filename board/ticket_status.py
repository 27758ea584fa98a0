"""What a citizen's phone shows for one ticket (扫码查看排队进度): a small dict (pure, no I/O).

Anyone can type any ticket number, so the answer holds only what the public wall display and
board already show or the holder needs: number, service, state, the window to go to, the count
ahead and an estimated wait. Never staff ids, appointment codes, times, cancel reasons or the
ticket's priority class.

**People ahead are counted in arrival order, blind to priority classes.** The engine's real
order puts front-priority tickets first (bounded by the priority ratio) and boosted ones
earlier; a count that followed it would tell, number by number, which citizens are elderly or
disabled (the wall never shows that). So ``ahead`` is the waiting tickets of the same service
issued before this one, ``priority_waiting`` the service's front-priority tickets waiting (a
figure the board already shows), and ``approx`` says the count can still change because
priority citizens may be called first. The estimate is the engine's estimator (capacity, plus
the recent call rate) applied to that count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from hallq.core.case_views import case_view
from hallq.core.estimate import call_rate, capacity, mean_service_s
from hallq.core.model import Ticket, TicketState, WindowStatus

if TYPE_CHECKING:
    from hallq.core.engine import Engine

NUMBER = re.compile(r"^([A-Za-z]{1,4})(\d{3,5})$")


class Shown(StrEnum):
    """The states a citizen sees (ISSUED, print not yet confirmed, shows as waiting)."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    HELD = "held"
    UNKNOWN = "unknown"


SHOWN = {
    TicketState.ISSUED: Shown.WAITING,
    TicketState.WAITING: Shown.WAITING,
    TicketState.CALLED: Shown.CALLED,
    TicketState.SERVING: Shown.SERVING,
    TicketState.DONE: Shown.DONE,
    TicketState.NO_SHOW: Shown.NO_SHOW,
    TicketState.CANCELLED: Shown.CANCELLED,
    TicketState.HELD: Shown.HELD,
}
AT_WINDOW = (Shown.CALLED, Shown.SERVING, Shown.HELD)


def parse_number(text: str, prefixes: Iterable[str]) -> str | None:
    """The ticket number in canonical form ("a007" -> "A007"), or None if it cannot be one
    of this hall's numbers (wrong shape or a prefix no service uses)."""
    m = NUMBER.match(text)
    if m is None or m.group(1).upper() not in {p.upper() for p in prefixes}:
        return None
    return text.upper()


def ticket_status(engine: Engine, number: str, now: float) -> dict[str, Any]:
    """The phone page's facts about ticket ``number`` today (``state`` "unknown" if none)."""
    t = engine.tickets.get(number.upper())
    if t is None:
        return {"ticket": number.upper(), "state": str(Shown.UNKNOWN)}
    spec = engine.layout.services[t.service]
    shown = SHOWN[t.state]
    status: dict[str, Any] = {
        "ticket": t.number,
        "state": str(shown),
        "service": t.service,
        "service_name": spec.name,
        "service_name_en": spec.name_en,
    }
    if shown is Shown.WAITING:
        status.update(_waiting(engine, t, now))
    elif shown in AT_WINDOW and t.window is not None:
        w = engine.layout.windows[t.window]
        status.update(window=w.id, window_name=w.name, window_name_en=w.name_en)
    if t.number in engine.cases:
        status["case"] = case_status(engine, t.number, now)
    return status


def case_status(engine: Engine, number: str, now: float) -> dict[str, Any]:
    """A case's (一件事) every step: done (where), now, next; names of services and windows
    only, as the wall shows them."""
    view = case_view(engine, number, now)
    windows = engine.layout.windows
    return {
        "matter_name": view["matter_name"],
        "matter_name_en": view["matter_name_en"],
        "step": view["step"],
        "steps": view["steps"],
        # 帮办代办: the desk carrying it (its name only: the page is public)
        "desk_name": view.get("desk_name", ""),
        "desk_name_en": view.get("desk_name_en", ""),
        "visits": [
            {
                "name": v["name"],
                "name_en": v["name_en"],
                "status": v["status"],
                "window_name": windows[v["window"]].name if v["window"] in windows else "",
                "window_name_en": windows[v["window"]].name_en if v["window"] in windows else "",
            }
            for v in view["visits"]
        ],
    }


def _waiting(engine: Engine, t: Ticket, now: float) -> dict[str, Any]:
    line = [o for o in engine.waiting[t.service] if o is not t]
    ahead = sum(1 for o in line if _arrival(o) < _arrival(t))
    wait_s = wait_for(engine, t.service, ahead, now)
    return {
        "ahead": ahead,
        "priority_waiting": sum(1 for o in engine.waiting[t.service] if o.front),
        "approx": bool(engine.layout.priority_classes),
        "est_wait_min": None if wait_s is None else math.ceil(wait_s / 60),
    }


def _arrival(t: Ticket) -> tuple[float, int]:
    return (t.issued_at, t.seq)


def wait_for(engine: Engine, service: str, ahead: int, now: float) -> float | None:
    """Seconds until a ticket with ``ahead`` people before it is called: the engine's blend
    of capacity and recent call rate (hallq/core/estimate.py), for this count instead of a
    new ticket's. None when no open window serves the service."""
    cap = capacity(engine, service)
    if cap <= 0:
        return None
    in_line = ahead + (1 if _all_busy(engine, service) else 0)
    by_capacity = in_line * mean_service_s(engine, service) / cap
    rate = call_rate(engine, service, now)
    return by_capacity if rate is None else (by_capacity + in_line / rate) / 2


def _all_busy(engine: Engine, service: str) -> bool:
    return all(
        w.ticket is not None
        for w in engine.windows.values()
        if service in w.services and w.status is WindowStatus.OPEN
    )
