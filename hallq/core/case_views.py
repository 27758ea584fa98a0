"""Views of cases (一件事) as plain dicts: the citizen's page, the counter, the board.

Only ticket numbers, services and windows: never anything about the person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .agency import agency_fields
from .cases import step_of
from .model import Case, MatterMode, TicketState

if TYPE_CHECKING:
    from .engine import Engine

# where a case is, as its page and the board say it
IN_PROGRESS = frozenset(
    {
        TicketState.ISSUED,
        TicketState.WAITING,
        TicketState.CALLED,
        TicketState.SERVING,
        TicketState.HELD,
    }
)


def case_view(e: Engine, number: str, now: float) -> dict[str, Any]:
    """One case: its matter, where it is, and every visit (done / now / next)."""
    case, t = e.cases[number], e.tickets[number]
    spec = e.layout.matters.get(case.matter)
    return {
        "ticket": t.number,
        "matter": case.matter,
        "matter_name": spec.name if spec else case.matter,
        "matter_name_en": spec.name_en if spec else case.matter,
        "mode": str(case.mode),
        "state": str(t.state),
        "step": step_of(case),
        "steps": case.visits,
        "service": t.service,
        "window": t.window if t.state in (TicketState.CALLED, TicketState.SERVING) else None,
        "issued_at": t.issued_at,
        "queued_at": case.queued_at,
        "completed_at": case.completed_at,
        "elapsed_s": round(max(0.0, (case.completed_at or now) - t.issued_at)),
        "visits": _visits(e, case, t.state),
        **_review(e, t.joint),
        **agency_fields(e, t.number),  # 帮办代办: the desk carrying it
    }


def _review(e: Engine, review: str | None) -> dict[str, Any]:
    """Where a case held for a joint review (联审) is: the review and its room."""
    r = e.joint.get(review or "")
    room = e.layout.rooms.get(r.room) if r is not None else None
    if r is None or room is None:
        return {}
    return {"review": r.id, "room_name": room.name, "room_name_en": room.name_en}


def _visits(e: Engine, case: Case, state: TicketState) -> list[dict[str, Any]]:
    done = {(s.stage, s.slot): s for s in case.steps}
    out = []
    for i, stage in enumerate(case.stages):
        for code in stage:
            step = done.get((i, code))
            now_here = step is None and (i, code) == (case.stage, case.slot)
            status = "done" if step else ("now" if now_here and state in IN_PROGRESS else "next")
            spec = e.layout.services.get(code)
            out.append(
                {
                    "stage": i,
                    "service": code,
                    "name": spec.name if spec else code,
                    "name_en": spec.name_en if spec else code,
                    "status": status,
                    "window": step.window if step else None,
                    "finished_at": step.finished_at if step else None,
                }
            )
    return out


def window_case_fields(e: Engine, number: str | None) -> dict[str, Any]:
    """What a window's state says of the case at it (nothing when it is a plain ticket)."""
    case = e.cases.get(number or "")
    if case is None:
        return {}
    spec = e.layout.matters.get(case.matter)
    return {
        "matter": case.matter,
        "matter_name": spec.name if spec else case.matter,
        "matter_name_en": spec.name_en if spec else case.matter,
        "step": step_of(case),
        "steps": case.visits,
    }


def rate_on_finish(e: Engine, number: str | None) -> bool:
    """The rating rule: a plain ticket is rated when it finishes; a case (一件事) once, when
    its last visit (or its one_window sitting) finishes — the one rating the service takes."""
    case = e.cases.get(number or "")
    return case is None or case.mode is MatterMode.ONE_WINDOW or not case.remaining()


def cases_in_progress(e: Engine, now: float) -> list[dict[str, Any]]:
    """Every case of the day not yet done or cancelled, longest in the hall first."""
    live = [n for n, c in e.cases.items() if e.tickets[n].state in IN_PROGRESS]
    views = [case_view(e, n, now) for n in live]
    for v in views:
        del v["visits"], v["elapsed_s"]  # retained: only what changes with the case itself
    return sorted(views, key=lambda v: v["issued_at"])
