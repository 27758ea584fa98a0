"""Named call-next policies: which waiting ticket a window takes, as a swappable rule.

Every policy keeps the bounded front-priority rule of :mod:`.routing` (at most one priority
call per ``priority_ratio`` normal calls while normal tickets wait), so no normal ticket
starves behind priority citizens. They differ in which services a window may take:

- ``department_fifo``: only the window's primary services, oldest first: a hall without
  balancing, where every department keeps to its own counters.
- ``default``: primary first; a secondary service when no primary ticket waits or when its
  oldest ticket has already waited past the service's target (see :mod:`.routing`).
- ``dynamic``: dynamic skills. A secondary service competes as soon as its *predicted* wait
  (the wait of the last ticket in its line, served by the windows that hold it as primary)
  passes its target, and then the window picks the line that is furthest behind its target.

Published skill-based routing rules, for comparison (docs/simulation.md cites them). They know
no primary/secondary tiers: every service a window holds is one of its skills.

- ``fcfs_alis``: FCFS-ALIS (Adan & Weiss 2014; Visschers, Adan & Weiss 2012): a free window
  takes the longest-waiting ticket among all its skills; a new ticket goes to the window that
  has been idle longest among those able to serve it (``assigns_longest_idle``: the simulator
  and a hall's idle-window dispatch read it).
- ``gcmu``: the generalised c-mu rule (van Mieghem 1995; Mandelbaum & Stolyar 2004) with
  quadratic delay cost: the line whose head-of-line wait x service rate (1 / mean service
  time) is largest.
- ``maxweight``: MaxWeight (Tassiulas & Ephremides 1992; Stolyar 2004): the line whose
  length x service rate is largest.

A candidate for the default, measured against all of them (docs/simulation.md):

- ``capped_cmu``: generalised c-mu with an age cap (bounded unfairness). A line whose head
  has waited past ``AGE_CAP`` x its service's target goes first, longest wait first
  (``OVER_CAP``); otherwise the line whose head-of-line wait x service rate is largest
  (``CMU``). Every service the window holds competes, primary or secondary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from .model import CallRule, ServiceSpec, Ticket, Tier, Window, WindowStatus
from .routing import Choice, Why, choose, choose_among, choose_with, head_of

if TYPE_CHECKING:
    from .engine import Engine


class Policy(Protocol):
    """Chooses the next ticket for ``window``; reads the engine, never changes it."""

    name: str

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None: ...


class DefaultPolicy:
    name = "default"

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None:
        return choose(
            window,
            engine.waiting,
            engine.layout.services,
            engine.priority_ratio,
            now,
            continuing_run=engine.layout.continuing_run,
        )


class DepartmentFifoPolicy:
    name = "department_fifo"

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None:
        own: dict[str, Tier] = {c: t for c, t in window.services.items() if t is Tier.PRIMARY}
        mine = replace(window, services=own)
        return choose(
            mine,
            engine.waiting,
            engine.layout.services,
            engine.priority_ratio,
            now,
            continuing_run=engine.layout.continuing_run,
        )


class DynamicPolicy:
    """Secondary lines join when their predicted wait passes target; most-behind line first."""

    name = "dynamic"

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None:
        urgent = {
            code
            for code, tier in window.services.items()
            if tier is Tier.SECONDARY and predicted_over_target(engine, code, now)
        }
        return choose_among(
            window,
            engine.waiting,
            engine.layout.services,
            engine.priority_ratio,
            now,
            urgent=urgent,
            score=lambda t: _lateness(engine.layout.services, t, now),
            continuing_run=engine.layout.continuing_run,
        )


def _lateness(specs: Mapping[str, ServiceSpec], t: Ticket, now: float) -> float:
    """How far a ticket's wait is through its service's target (1.0 = at target)."""
    return (now - t.rank_at) / (specs[t.service].target_wait_min * 60)


def primary_windows(engine: Engine, service: str) -> int:
    return sum(
        1
        for w in engine.windows.values()
        if w.services.get(service) is Tier.PRIMARY and w.status is WindowStatus.OPEN
    )


def predicted_over_target(engine: Engine, service: str, now: float) -> bool:
    """Will the newest ticket of ``service`` wait past target if only its own windows serve it?"""
    queue = engine.waiting.get(service)
    if not queue:
        return False
    spec = engine.layout.services[service]
    own = primary_windows(engine, service)
    if own == 0:
        return True
    newest = max(queue, key=Ticket.sort_key)
    from .estimate import mean_service_s

    ahead_s = len(queue) * mean_service_s(engine, service) / own
    return (now - newest.rank_at) + ahead_s > spec.target_wait_min * 60


class _SkillsPolicy:
    """A literature rule: every service the window holds competes by ``score`` (no tiers)."""

    name = ""
    assigns_longest_idle = False

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None:
        return choose_among(
            window,
            engine.waiting,
            engine.layout.services,
            engine.priority_ratio,
            now,
            urgent=set(window.services),
            score=lambda t: self.score(engine, t, now),
        )

    def score(self, engine: Engine, head: Ticket, now: float) -> float:
        raise NotImplementedError


class FcfsAlisPolicy(_SkillsPolicy):
    """FCFS-ALIS: the oldest ticket among the window's skills; idle windows longest-idle first."""

    name = "fcfs_alis"
    assigns_longest_idle = True

    def score(self, engine: Engine, head: Ticket, now: float) -> float:
        return -head.rank_at


class GcmuPolicy(_SkillsPolicy):
    """Generalised c-mu, quadratic cost: head-of-line wait x service rate."""

    name = "gcmu"

    def score(self, engine: Engine, head: Ticket, now: float) -> float:
        return (now - head.rank_at) / _mean_service_s(engine, head.service)


class MaxWeightPolicy(_SkillsPolicy):
    """MaxWeight: line length x service rate."""

    name = "maxweight"

    def score(self, engine: Engine, head: Ticket, now: float) -> float:
        return len(engine.waiting.get(head.service, ())) / _mean_service_s(engine, head.service)


AGE_CAP = 1.5  # capped_cmu: a line over this x its target wait goes first


class CappedCmuPolicy:
    """Generalised c-mu within an age cap: past ``cap`` x target, the longest wait first."""

    name = "capped_cmu"

    def __init__(self, cap: float = AGE_CAP) -> None:
        self.cap = cap

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None:
        def pick(pool: Mapping[str, list[Ticket]]) -> tuple[Ticket, Why] | None:
            return self.pick(engine, pool, now)

        return choose_with(
            window,
            engine.waiting,
            engine.priority_ratio,
            first=set(window.services),
            pick=pick,
            continuing_run=engine.layout.continuing_run,
        )

    def pick(
        self, engine: Engine, pool: Mapping[str, list[Ticket]], now: float
    ) -> tuple[Ticket, Why] | None:
        heads = [h for q in pool.values() if (h := head_of(q)) is not None]
        specs = engine.layout.services
        over = [h for h in heads if now - h.rank_at > self.cap_s(specs[h.service])]
        if over:
            h = min(over, key=Ticket.sort_key)
            cap_min = self.cap_s(specs[h.service]) / 60
            return h, Why(CallRule.OVER_CAP, h.service, (now - h.rank_at) / 60, cap_min)
        best = max(
            heads,
            key=lambda h: ((now - h.rank_at) / _mean_service_s(engine, h.service), -h.seq),
            default=None,
        )
        if best is None:
            return None
        return best, Why(CallRule.CMU, best.service, (now - best.rank_at) / 60)

    def cap_s(self, spec: ServiceSpec) -> float:
        return self.cap * spec.target_wait_min * 60


def _mean_service_s(engine: Engine, service: str) -> float:
    from .estimate import mean_service_s

    return max(1.0, mean_service_s(engine, service))


POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        DefaultPolicy(),
        DepartmentFifoPolicy(),
        DynamicPolicy(),
        FcfsAlisPolicy(),
        GcmuPolicy(),
        MaxWeightPolicy(),
        CappedCmuPolicy(),
    )
}


def get_policy(policy: str | Policy) -> Policy:
    """A policy by name (``POLICIES``), or the object itself."""
    if not isinstance(policy, str):
        return policy
    try:
        return POLICIES[policy]
    except KeyError:
        raise ValueError(f"unknown policy {policy!r}; known: {', '.join(POLICIES)}") from None
