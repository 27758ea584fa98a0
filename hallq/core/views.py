"""The retained state payloads (docs/protocol.md): plain dicts built from the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .agency import agency_fields
from .case_views import rate_on_finish, window_case_fields
from .joint import summons_view
from .model import TicketState, WindowStatus

if TYPE_CHECKING:
    from .engine import Engine


def window_view(e: Engine, window_id: str) -> dict[str, Any]:
    w = e.windows[window_id]
    spec = e.layout.windows[window_id]
    t = e.tickets.get(w.ticket) if w.ticket else None
    return {
        "window": w.id,
        "name": spec.name,
        "name_en": spec.name_en,
        "zone": spec.zone,
        "status": str(w.status),
        "staff": w.staff,
        "since": w.since,
        "pause_reason": w.pause_reason,
        "ticket": t.number if t else None,
        "ticket_state": str(t.state) if t else None,
        "service": t.service if t else None,
        "called_at": t.called_at if t else None,
        "served_today": w.served,
        "rating_avg": round(w.rating_sum / w.rating_count, 2) if w.rating_count else None,
        "rating_count": w.rating_count,
        "services": {code: str(tier) for code, tier in w.services.items()},
        **window_case_fields(e, w.ticket),
        "rate_on_finish": rate_on_finish(e, w.ticket),
        "summons": summons_view(e, window_id),
        "agency": spec.agency,
        "agent": agency_fields(e, w.ticket).get("agent"),
    }


def service_view(e: Engine, code: str, now: float) -> dict[str, Any]:
    spec = e.layout.services[code]
    ahead, est = e.estimate(code, now)
    waiting = e.waiting[code]
    oldest = min((t.issued_at for t in waiting), default=None)
    refusal = e.service_open_reason(code, now)
    return {
        "service": code,
        "name": spec.name,
        "name_en": spec.name_en,
        "department": spec.department,
        "prefix": spec.prefix,
        "waiting": ahead,
        "priority_waiting": sum(1 for t in waiting if t.front),
        "est_wait_s": None if est is None else round(est),
        "oldest_waiting_at": oldest,
        "target_wait_s": round(spec.target_wait_min * 60),
        "windows_open": sum(1 for w in e.serving[code] if w.status is WindowStatus.OPEN),
        "issued_today": e.issued.get(code, 0),
        "daily_cap": spec.daily_cap,
        "open": refusal is None,
        "closed_reason": None if refusal is None else str(refusal),
        "opens_at": None if refusal is None else e.opens_at(code, now),
    }


def hall_view(e: Engine, now: float) -> dict[str, Any]:
    counts = e.state_counts  # kept by the appliers: no walk over the day's tickets
    ratings = {str(k): e.ratings.get(k, 0) for k in range(1, 6)}
    return {
        "hall": e.layout.hall_id,
        "day": e.day,
        "open": e.clock.is_open(now),
        "opens_at": None if e.clock.is_open(now) else e.clock.next_opening(now),
        "issued": len(e.tickets),
        "waiting": counts[TicketState.WAITING] + counts[TicketState.ISSUED],
        "serving": counts[TicketState.CALLED] + counts[TicketState.SERVING],
        "done": counts[TicketState.DONE],
        "no_show": counts[TicketState.NO_SHOW],
        "cancelled": counts[TicketState.CANCELLED],
        "held": counts[TicketState.HELD],
        "windows_open": sum(1 for w in e.windows.values() if w.status is WindowStatus.OPEN),
        "ratings": ratings,
        "priority_ratio": e.priority_ratio,
    }
