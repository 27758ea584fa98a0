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

Candidates for the default, measured against all of them (docs/simulation.md), in
:mod:`.cmu`: ``capped_cmu`` (generalised c-mu with an age cap) and ``guarded_cmu`` (the same,
but a window whose own lines are loaded keeps to them unless a secondary line is far behind).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from .cmu import AGE_CAP, CappedCmuPolicy, GuardedCmuPolicy, predicted_wait_s, service_s
from .model import ServiceSpec, Ticket, Tier, Window
from .routing import Choice, choose, choose_among

__all__ = ["AGE_CAP", "POLICIES", "Policy", "get_policy"]

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


def predicted_over_target(engine: Engine, service: str, now: float) -> bool:
    """Will the newest ticket of ``service`` wait past target if only its own windows serve it?"""
    spec = engine.layout.services[service]
    return predicted_wait_s(engine, service, now) > spec.target_wait_min * 60


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
        return (now - head.rank_at) / service_s(engine, head.service)


class MaxWeightPolicy(_SkillsPolicy):
    """MaxWeight: line length x service rate."""

    name = "maxweight"

    def score(self, engine: Engine, head: Ticket, now: float) -> float:
        return len(engine.waiting.get(head.service, ())) / service_s(engine, head.service)


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
        GuardedCmuPolicy(),
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
