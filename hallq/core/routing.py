"""Which waiting ticket a window calls next, and why.

Rules, in order (docs/architecture.md explains them):
1. Front-priority tickets (elderly, disabled, ...) go first, but at most one per
   ``priority_ratio`` normal calls of that window while normal tickets wait: nobody starves.
2. Primary services before secondary ones, unless a secondary service's longest wait has
   passed its target (then it competes as if primary), or no primary service has anyone waiting.
3. Among the eligible tickets, the longest wait (earliest rank time, then number order).
Within the class rule 1 picked, cases moving on to a later stage (一件事, the continuing class)
go ahead of new arrivals in the services the window takes first, but at most
``continuing_run`` such calls in a row while new arrivals wait there: nobody starves either.
A one_window case waits only for windows that serve every service of its matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, replace

from .model import CallRule, PriorityRule, ServiceSpec, StageRule, Ticket, Tier, Window


@dataclass(frozen=True, slots=True)
class Why:
    """Why a ticket was called: the rule, the priority rule if it went ahead, and the
    figures the sentence quotes (waits and targets in minutes)."""

    rule: CallRule
    service: str = ""
    wait_min: float = 0.0
    target_min: float = 0.0
    priority: PriorityRule | None = None
    priority_class: str | None = None
    ratio: int = 0
    stage: StageRule | None = None
    run: int = 0  # the continuing_run bound the stage rule applied

    def text(self) -> str:
        """The plain sentence recorded with the call (the wire's ``reason``)."""
        text = _RULE_TEXT[self.rule].format(
            service=self.service, wait=self.wait_min, target=self.target_min
        )
        if self.stage is not None:
            text += _STAGE_TEXT[self.stage].format(run=self.run)
        if self.priority is None:
            return text
        why = (
            "normal queue empty"
            if self.priority is PriorityRule.NORMAL_EMPTY
            else (f"1 per {self.ratio} normal")
        )
        return f"priority {self.priority_class} ({why}); {text}"


_RULE_TEXT = {
    CallRule.PRIMARY: "primary {service}, longest wait {wait:.0f} min",
    CallRule.SECONDARY_OVERDUE: "secondary {service} over target ({wait:.0f}>{target:.0f} min)",
    CallRule.SECONDARY_IDLE: "secondary {service}, no primary ticket waiting",
    CallRule.BY_NUMBER: "called by number",
    CallRule.CMU: "{service}, highest wait x service rate (waited {wait:.0f} min)",
    CallRule.OVER_CAP: "{service} past its wait cap ({wait:.0f}>{target:.0f} min), longest first",
}
_STAGE_TEXT = {
    StageRule.CONTINUING: "; continuing case ahead of new arrivals (at most {run} in a row)",
    StageRule.FRESH_TURN: "; new arrival's turn (continuing cases had {run} in a row)",
}


Pick = Callable[[Mapping[str, list[Ticket]]], "tuple[Ticket, Why] | None"]
"""Chooses among a class's lines (service code -> waiting tickets) and says why."""


@dataclass(frozen=True, slots=True)
class Choice:
    ticket: Ticket
    why: Why

    @property
    def reason(self) -> str:
        return self.why.text()


def head_of(tickets: Iterable[Ticket]) -> Ticket | None:
    """The head of a line: its ticket called first in order (earliest rank, then number)."""
    return min(tickets, key=Ticket.sort_key, default=None)


def _overdue(oldest: Ticket, spec: ServiceSpec, now: float) -> bool:
    return now - oldest.rank_at > spec.target_wait_min * 60


def choose(
    window: Window,
    waiting: Mapping[str, list[Ticket]],
    specs: Mapping[str, ServiceSpec],
    priority_ratio: int,
    now: float,
    *,
    continuing_run: int = 0,
) -> Choice | None:
    """Pick the next ticket for ``window`` from ``waiting`` (service code -> waiting tickets)."""
    overdue = {
        code
        for code, tier in window.services.items()
        if tier is Tier.SECONDARY
        and (oldest := head_of(waiting.get(code, []))) is not None
        and _overdue(oldest, specs[code], now)
    }
    return choose_among(
        window,
        waiting,
        specs,
        priority_ratio,
        now,
        urgent=overdue,
        score=_earliest,
        continuing_run=continuing_run,
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
    continuing_run: int = 0,
) -> Choice | None:
    """Rule 1 as above; then primary services and the ``urgent`` secondary ones compete by
    ``score`` (highest first, ties by number), other secondary ones only when those are empty.
    Continuing cases first within the picked class, as the module says."""

    def pick(pool: Mapping[str, list[Ticket]]) -> tuple[Ticket, Why] | None:
        return _pick_by_tier(window, pool, specs, now, urgent=urgent, score=score)

    return choose_with(
        window, waiting, priority_ratio, first=urgent, pick=pick, continuing_run=continuing_run
    )


def choose_with(
    window: Window,
    waiting: Mapping[str, list[Ticket]],
    priority_ratio: int,
    *,
    first: Set[str],
    pick: Pick,
    continuing_run: int = 0,
) -> Choice | None:
    """Rule 1 and the continuing-case run as the module says; then ``pick`` chooses within the
    class's lines (service code -> that class's waiting tickets). ``first``: the secondary
    services the window takes as if primary (where continuing cases go first)."""
    served = window.services.keys()
    queues = {code: waiting.get(code, []) for code in window.services}
    fronts = {c: [t for t in q if t.front and t.sitting <= served] for c, q in queues.items()}
    normals = {c: [t for t in q if not t.front and t.sitting <= served] for c, q in queues.items()}
    any_front = any(fronts.values())
    any_normal = any(normals.values())
    if not (any_front or any_normal):
        return None
    use_front = any_front and (not any_normal or window.normal_since_priority >= priority_ratio)
    pool, stage = _continuing_first(window, fronts if use_front else normals, first, continuing_run)
    picked = pick(pool)
    if picked is None:
        return None
    ticket, why = picked
    if stage is not None:
        why = replace(why, stage=stage, run=continuing_run)
    if use_front:
        rule = PriorityRule.SHARE if any_normal else PriorityRule.NORMAL_EMPTY
        why = replace(why, priority=rule, priority_class=ticket.priority, ratio=priority_ratio)
    return Choice(ticket, why)


def _continuing_first(
    window: Window, pool: Mapping[str, list[Ticket]], urgent: Set[str], run: int
) -> tuple[Mapping[str, list[Ticket]], StageRule | None]:
    """The continuing cases of the services the window takes first, while their run lasts;
    the new arrivals there once it is used; the pool unchanged when no case moves on."""
    if run <= 0:
        return pool, None
    first = {c: q for c, q in pool.items() if window.services[c] is Tier.PRIMARY or c in urgent}
    cont = {c: [t for t in q if t.continuing] for c, q in first.items()}
    if not any(cont.values()):
        return pool, None
    fresh = {c: [t for t in q if not t.continuing] for c, q in first.items()}
    if not any(fresh.values()):
        return pool, None  # nobody new waits: no rule needed, plain order
    if window.continuing_streak < run:
        return cont, StageRule.CONTINUING
    return fresh, StageRule.FRESH_TURN


def _pick_by_tier(
    window: Window,
    pool: Mapping[str, list[Ticket]],
    specs: Mapping[str, ServiceSpec],
    now: float,
    *,
    urgent: Set[str],
    score: Callable[[Ticket], float],
) -> tuple[Ticket, Why] | None:
    first: list[Ticket] = []
    secondary: list[Ticket] = []
    for code, tickets in pool.items():
        oldest = head_of(tickets)
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
            return best, Why(CallRule.SECONDARY_OVERDUE, best.service, wait_min, target)
        return best, Why(CallRule.PRIMARY, best.service, wait_min)
    spare = head_of(secondary)
    if spare is None:
        return None
    return spare, Why(CallRule.SECONDARY_IDLE, spare.service)
