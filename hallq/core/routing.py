"""Which waiting ticket a window calls next, and why.

Rules, in order (docs/architecture.md explains them):
1. Front-priority tickets (elderly, disabled, ...) go first, but at most one per
   ``priority_ratio`` normal calls of that window while normal tickets wait: nobody starves.
2. Primary services before secondary ones, unless a secondary service's longest wait has
   passed its target (then it competes as if primary), or no primary service has anyone waiting.
3. Among the eligible tickets, the longest wait (earliest rank time, then number order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass

from .model import ServiceSpec, Ticket, Tier, Window


@dataclass(frozen=True, slots=True)
class Choice:
    ticket: Ticket
    reason: str


def _oldest(tickets: Iterable[Ticket]) -> Ticket | None:
    return min(tickets, key=Ticket.sort_key, default=None)


def _overdue(oldest: Ticket, spec: ServiceSpec, now: float) -> bool:
    return now - oldest.rank_at > spec.target_wait_min * 60


def choose(
    window: Window,
    waiting: Mapping[str, list[Ticket]],
    specs: Mapping[str, ServiceSpec],
    priority_ratio: int,
    now: float,
) -> Choice | None:
    """Pick the next ticket for ``window`` from ``waiting`` (service code -> waiting tickets)."""
    overdue = {
        code
        for code, tier in window.services.items()
        if tier is Tier.SECONDARY
        and (oldest := _oldest(waiting.get(code, []))) is not None
        and _overdue(oldest, specs[code], now)
    }
    return choose_among(
        window, waiting, specs, priority_ratio, now, urgent=overdue, score=_earliest
    )


def _earliest(t: Ticket) -> float:
    return -t.rank_at


def choose_among(
    window: Window,
    waiting: Mapping[str, list[Ticket]],
    specs: Mapping[str, ServiceSpec],
    priority_ratio: int,
    now: float,
    *,
    urgent: Set[str],
    score: Callable[[Ticket], float],
) -> Choice | None:
    """Rule 1 as above; then primary services and the ``urgent`` secondary ones compete by
    ``score`` (highest first, ties by number), other secondary ones only when those are empty."""
    queues = {code: waiting.get(code, []) for code in window.services}
    fronts = {c: [t for t in q if t.front] for c, q in queues.items()}
    normals = {c: [t for t in q if not t.front] for c, q in queues.items()}
    any_front = any(fronts.values())
    any_normal = any(normals.values())
    if not (any_front or any_normal):
        return None
    use_front = any_front and (not any_normal or window.normal_since_priority >= priority_ratio)
    pool = fronts if use_front else normals
    picked = _pick_by_tier(window, pool, specs, now, urgent=urgent, score=score)
    if picked is None:
        return None
    ticket, tier_reason = picked
    if use_front:
        why = "normal queue empty" if not any_normal else f"1 per {priority_ratio} normal"
        return Choice(ticket, f"priority {ticket.priority} ({why}); {tier_reason}")
    return Choice(ticket, tier_reason)


def _pick_by_tier(
    window: Window,
    pool: Mapping[str, list[Ticket]],
    specs: Mapping[str, ServiceSpec],
    now: float,
    *,
    urgent: Set[str],
    score: Callable[[Ticket], float],
) -> tuple[Ticket, str] | None:
    first: list[Ticket] = []
    secondary: list[Ticket] = []
    for code, tickets in pool.items():
        oldest = _oldest(tickets)
        if oldest is None:
            continue
        if window.services[code] is Tier.PRIMARY or code in urgent:
            first.append(oldest)
        else:
            secondary.append(oldest)
    if first:
        best = max(first, key=lambda t: (score(t), -t.seq))
        wait_min = (now - best.rank_at) / 60
        if window.services[best.service] is Tier.SECONDARY:
            target = specs[best.service].target_wait_min
            return best, f"secondary {best.service} over target ({wait_min:.0f}>{target:.0f} min)"
        return best, f"primary {best.service}, longest wait {wait_min:.0f} min"
    spare = _oldest(secondary)
    if spare is None:
        return None
    return spare, f"secondary {spare.service}, no primary ticket waiting"
