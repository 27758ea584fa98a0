"""Cases (一件事一次办): one ticket number carrying a matter through its stages.

A ticket issued for a matter becomes a *case* (``case_opened``). When a stage visit finishes,
the case joins the queue of its next visit by itself (``case_moved``): a stage that is a group
of services is done in any order, the next visit being the service with the fewest waiting;
the last visit ends the case (``case_completed``). In ``one_window`` mode a window serving
every service of the matter takes the whole matter in one sitting. The decisions are written
into the events, so replay rebuilds every case exactly, whatever the config says later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ErrorCode, QueueError
from .model import Case, Event, EventKind, MatterMode, Step, Ticket, TicketState, Window

if TYPE_CHECKING:
    from .engine import Engine


def decide_open(e: Engine, matter: str, now: float, **issue: Any) -> list[Event]:
    """Issue a ticket for the matter's first visit and open its case."""
    spec = e.layout.matters.get(matter)
    if spec is None:
        raise QueueError(ErrorCode.UNKNOWN_MATTER, f"no matter {matter!r}")
    first = (
        spec.stages[0][0]
        if spec.mode is MatterMode.ONE_WINDOW
        else _least_waiting(e, spec.stages[0])
    )
    issued = e.decide_issue(first, now, **issue)
    data = {
        "ticket": issued[-1].data["ticket"],
        "matter": spec.id,
        "stages": [list(stage) for stage in spec.stages],
        "mode": str(spec.mode),
        "stage": 0,
        "slot": first,
    }
    if spec.joint:  # joint stages (联审), kept as at issue like the stages
        data["joint"] = {
            str(i): {"room": r, "departments": list(d)} for i, (r, d) in spec.joint.items()
        }
    return issued + [Event(EventKind.CASE_OPENED, now, data)]


def after_visit(e: Engine, t: Ticket, w: Window, now: float) -> list[Event]:
    """What follows a finished visit of a case: the next queue, or the end of the case."""
    case = e.cases.get(t.number)
    if case is None:
        return []
    done = {
        "ticket": t.number,
        "window": w.id,
        "service": t.service,
        "stage": case.stage,
        "slot": case.slot,
    }
    rest = [] if case.mode is MatterMode.ONE_WINDOW else case.remaining()
    if not rest:
        return [Event(EventKind.CASE_COMPLETED, now, done)]
    stage = rest[0][0]
    nxt = _least_waiting(e, [code for i, code in rest if i == stage])
    data = {**done, "to": nxt, "to_stage": stage, "continuing": e.layout.continuing_run > 0}
    return [Event(EventKind.CASE_MOVED, now, data), *_joint_stage(e, case, stage, t, now)]


def _joint_stage(e: Engine, case: Case, stage: int, t: Ticket, now: float) -> list[Event]:
    """A case reaching a joint stage (联审): its review opens by itself, summoning each named
    department's window to the room. When it cannot (a department has no open window), the
    case waits in the stage's queue: a counter or a manager opens the review by hand later."""
    if stage not in case.joint:
        return []
    from .joint import decide_open

    room, departments = case.joint[stage]
    try:
        return decide_open(e, t.number, room, departments, now, by=f"matter:{case.matter}")
    except QueueError:
        return []


def _least_waiting(e: Engine, codes: Sequence[str]) -> str:
    """The service of a group with the fewest waiting (config order breaks ties)."""
    return min(codes, key=lambda code: len(e.waiting.get(code, ())))


def step_of(case: Case) -> int:
    """The visit a case is at, from 1 (the counter's "第2步")."""
    return min(len(case.steps) + 1, case.visits)


class _CaseAppliers:
    """The case events' appliers (each looks everything up before changing anything)."""

    def __init__(self, engine: Engine) -> None:
        self.e = engine

    def opened(self, ev: Event) -> None:
        d = ev.data
        t = self.e.tickets[d["ticket"]]
        stages = tuple(tuple(str(code) for code in stage) for stage in d["stages"])
        mode = MatterMode(d["mode"])
        case = Case(t.number, d["matter"], stages, mode, d["stage"], d["slot"], t.issued_at)
        case.joint = {
            int(i): (j["room"], tuple(j["departments"])) for i, j in d.get("joint", {}).items()
        }
        t.matter = case.matter
        if mode is MatterMode.ONE_WINDOW:
            t.sitting = frozenset(code for stage in stages for code in stage)
        self.e.cases[t.number] = case

    def moved(self, ev: Event) -> None:
        e, d = self.e, ev.data
        t, case = e.tickets[d["ticket"]], e.cases[d["ticket"]]
        e.waiting[d["to"]]  # look up before changing anything
        if t.state is not TicketState.DONE:
            raise ValueError(f"{t.number} is {t.state}, not at the end of a visit")
        case.steps.append(_step(case, t, d["window"], ev.at))
        case.stage, case.slot = d["to_stage"], d["to"]
        case.queued_at = max(ev.at, e.latest)
        e.set_state(t, TicketState.WAITING)
        t.service, t.window = d["to"], None
        t.rank_at = case.queued_at - e.boost_s(t.priority)
        t.continuing = bool(d["continuing"])
        e.waiting[t.service].append(t)

    def completed(self, ev: Event) -> None:
        e, d = self.e, ev.data
        t, case = e.tickets[d["ticket"]], e.cases[d["ticket"]]
        if case.mode is MatterMode.ONE_WINDOW:  # the sitting did every visit
            for i, stage in enumerate(case.stages):
                for code in stage:
                    case.stage, case.slot = i, code
                    case.steps.append(_step(case, t, d["window"], ev.at, code))
        else:
            case.steps.append(_step(case, t, d["window"], ev.at))
        case.completed_at = ev.at


def _step(case: Case, t: Ticket, window: str | None, at: float, service: str = "") -> Step:
    return Step(
        case.stage, case.slot, service or t.service, window, case.queued_at, t.called_at, at
    )


def case_appliers(e: Engine) -> dict[str, Callable[[Event], None]]:
    a = _CaseAppliers(e)
    return {
        EventKind.CASE_OPENED: a.opened,
        EventKind.CASE_MOVED: a.moved,
        EventKind.CASE_COMPLETED: a.completed,
    }
