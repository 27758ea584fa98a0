"""Generalised c-mu inside an age cap, and its variant whose helpers guard scarce skills.

- ``capped_cmu``: a line whose head has waited past ``AGE_CAP`` x its service's target goes
  first, longest wait first (``OVER_CAP``); otherwise the line whose head-of-line wait x
  service rate (1 / mean service time) is largest (``CMU``). Every service the window holds
  competes, primary or secondary.
- ``guarded_cmu``: the same, except that a window whose own (primary) lines are loaded keeps
  to them. Its own lines are loaded when their recent calls, times their mean service, fill
  more than ``GUARD_LOAD`` of the open windows that hold them as primary. Such a window then
  helps a secondary line only if that line's predicted wait with its own windows passes
  ``GUARD_HELP`` x its target, or its own lines are empty. A 综合窗口 that is the only window
  of civil affairs and agriculture (a township hall) stops taking the short services of
  departments with windows to spare; one whose own lines are light (a city hall's) helps the
  busy departments as freely as ``capped_cmu``.

Both choose between lines, never inside one: FIFO within a service and class holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .estimate import mean_service_s
from .model import CallRule, ServiceSpec, Ticket, Tier, Window, WindowStatus
from .routing import Choice, Why, choose_with, head_of

if TYPE_CHECKING:
    from .engine import Engine

AGE_CAP = 1.5  # a line over this x its target wait goes first
GUARD_LOAD = 0.6  # guarded_cmu: own lines this loaded (share of their windows) are guarded
GUARD_HELP = 2.0  # ... and then help goes only to a line predicted past this x its target
LOAD_SPAN_S = 3600.0  # the recent calls that measure a load


class CappedCmuPolicy:
    """Generalised c-mu within an age cap: past ``cap`` x target, the longest wait first."""

    name = "capped_cmu"

    def __init__(self, cap: float = AGE_CAP) -> None:
        self.cap = cap

    def choose(self, engine: Engine, window: Window, now: float) -> Choice | None:
        def pick(pool: Mapping[str, list[Ticket]]) -> tuple[Ticket, Why] | None:
            return self.pick(engine, window, pool, now)

        return choose_with(
            window,
            engine.waiting,
            engine.priority_ratio,
            first=set(window.services),
            pick=pick,
            continuing_run=engine.layout.continuing_run,
        )

    def pick(
        self, engine: Engine, window: Window, pool: Mapping[str, list[Ticket]], now: float
    ) -> tuple[Ticket, Why] | None:
        """Past the cap, the longest wait; else the highest wait x rate among ``lines``."""
        specs = engine.layout.services
        heads = [h for q in pool.values() if (h := head_of(q)) is not None]
        over = [h for h in heads if now - h.rank_at > self.cap_s(specs[h.service])]
        if over:
            h = min(over, key=Ticket.sort_key)
            cap_min = self.cap_s(specs[h.service]) / 60
            return h, Why(CallRule.OVER_CAP, h.service, (now - h.rank_at) / 60, cap_min)
        mine = self.lines(engine, window, pool, now)
        best = max(
            (h for h in heads if h.service in mine),
            key=lambda h: ((now - h.rank_at) / service_s(engine, h.service), -h.seq),
            default=None,
        )
        if best is None:
            return None
        return best, Why(CallRule.CMU, best.service, (now - best.rank_at) / 60)

    def lines(
        self, engine: Engine, window: Window, pool: Mapping[str, list[Ticket]], now: float
    ) -> set[str]:
        """The lines that compete by wait x rate: every line the window holds."""
        return set(pool)

    def cap_s(self, spec: ServiceSpec) -> float:
        return self.cap * spec.target_wait_min * 60


class GuardedCmuPolicy(CappedCmuPolicy):
    """``capped_cmu`` whose windows keep to their own lines while those are loaded."""

    name = "guarded_cmu"

    def lines(
        self, engine: Engine, window: Window, pool: Mapping[str, list[Ticket]], now: float
    ) -> set[str]:
        own = {c for c in pool if window.services[c] is Tier.PRIMARY}
        if own == set(pool) or own_load(engine, own, now) <= GUARD_LOAD:
            return set(pool)
        specs = engine.layout.services
        guarded = own | {
            c
            for c in set(pool) - own
            if predicted_wait_s(engine, c, now) > GUARD_HELP * specs[c].target_wait_min * 60
        }
        return guarded if any(pool[c] for c in guarded) else set(pool)


def service_s(engine: Engine, service: str) -> float:
    """The mean service time the rate is taken from (at least a second)."""
    return max(1.0, mean_service_s(engine, service))


def own_windows(engine: Engine, services: set[str]) -> int:
    """Open windows that hold any of ``services`` as primary (through the engine's service ->
    windows index: a 综合窗口's 33 lines x 76 windows cost 1 ms a call without it)."""
    return len(
        {
            w.id
            for c in services
            for w in engine.serving.get(c, ())
            if w.status is WindowStatus.OPEN and w.services.get(c) is Tier.PRIMARY
        }
    )


def own_load(engine: Engine, services: set[str], now: float) -> float:
    """Share of their own windows that the demand on ``services`` fills: tickets issued in the
    last ``LOAD_SPAN_S`` (or, when the kept issue times are fewer than that span holds, their
    rate over the time they cover) x mean service, over those windows."""
    work = 0.0
    for code in services:
        kept = engine.issue_times[code]
        recent = [t for t in kept if now - t < LOAD_SPAN_S]
        full = len(recent) == kept.maxlen
        span = max(60.0, now - min(recent)) if full and recent else LOAD_SPAN_S
        work += len(recent) / span * mean_service_s(engine, code)
    return work / max(1, own_windows(engine, services))


def predicted_wait_s(engine: Engine, service: str, now: float) -> float:
    """The newest waiting ticket's wait if only the service's own windows serve the line: its
    wait so far + people in line x mean service / own open windows (inf without any)."""
    queue = engine.waiting.get(service)
    if not queue:
        return 0.0
    own = own_windows(engine, {service})
    if own == 0:
        return float("inf")
    newest = max(queue, key=Ticket.sort_key)
    return (now - newest.rank_at) + len(queue) * mean_service_s(engine, service) / own
