"""Policy comparison over several seeds: pooled wait figures and the goal's margins.

A single seed decides little on a small hall (the township hall's mean under one rule ranges
6-20 min from seed to seed), so a policy is judged on figures pooled over seeds:

- ``mean`` and ``p95``: over every called ticket of every simulated day of every seed;
- ``longest_normal``: the longest wait of a ticket without a front priority *in a day*,
  averaged over all simulated days (``worst_normal``: the longest of any day).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from hallq.core.percentile import percentile

from .day import DayResult


@dataclass(frozen=True, slots=True)
class DayWaits:
    """One simulated day reduced to what the comparison needs (seconds)."""

    waits: tuple[float, ...]  # every called ticket's wait until its first call
    longest_normal: float  # the day's longest wait of a normal (non-front) ticket


def day_waits(day: DayResult) -> DayWaits:
    called = [r for r in day.records if r.wait_s is not None]
    normal = [float(r.wait_s) for r in called if not r.front and r.wait_s is not None]
    return DayWaits(
        tuple(float(r.wait_s) for r in called if r.wait_s is not None),
        max(normal, default=math.nan),
    )


@dataclass(frozen=True, slots=True)
class Pooled:
    """A policy's figures over all seeds (seconds)."""

    label: str
    days: int
    tickets: int
    mean: float
    p95: float
    longest_normal: float  # mean over days of the day's longest normal wait
    worst_normal: float  # the longest normal wait of any day
    seed_means: tuple[float, ...]  # each seed's mean wait, in seed order


def pool(label: str, runs: Sequence[Sequence[DayWaits]]) -> Pooled:
    """Pool ``runs`` (one list of days per seed)."""
    days = [d for run in runs for d in run]
    waits = sorted(w for d in days for w in d.waits)
    longest = [d.longest_normal for d in days if not math.isnan(d.longest_normal)]
    return Pooled(
        label,
        len(days),
        len(waits),
        fmean(waits) if waits else math.nan,
        percentile(waits, 95) if waits else math.nan,
        fmean(longest) if longest else math.nan,
        max(longest, default=math.nan),
        tuple(_mean(run) for run in runs),
    )


def _mean(run: Sequence[DayWaits]) -> float:
    waits = [w for d in run for w in d.waits]
    return fmean(waits) if waits else math.nan


CRITERIA = (("mean", 1.0), ("p95", 1.1), ("longest_normal", 1.1))
"""The goal: best on mean; within 10 % of the best other rule on p95 and longest normal wait."""


@dataclass(frozen=True, slots=True)
class Margin:
    candidate: str
    figure: str  # a Pooled field of CRITERIA
    versus: str  # the best other rule on that figure
    ratio: float  # candidate / best other
    allowed: float

    @property
    def ok(self) -> bool:
        return self.ratio <= self.allowed


def margins(rows: Sequence[Pooled], candidate: str, *, skip: Sequence[str] = ()) -> list[Margin]:
    """``candidate``'s margin on each criterion against the best other rule (not in ``skip``)."""
    mine = next(r for r in rows if r.label == candidate)
    others = [r for r in rows if r.label != candidate and r.label not in skip]
    out = []
    for figure, allowed in CRITERIA:
        best = min(others, key=lambda r: float(getattr(r, figure)))
        ratio = float(getattr(mine, figure)) / float(getattr(best, figure))
        out.append(Margin(candidate, figure, best.label, ratio, allowed))
    return out


def below_bound(bound: Pooled, rows: Sequence[Pooled]) -> list[tuple[str, int]]:
    """(rule, seed index) wherever a rule's mean wait for a seed is below the bound's."""
    return [
        (r.label, i)
        for r in rows
        for i, (mine, floor) in enumerate(zip(r.seed_means, bound.seed_means, strict=True))
        if mine < floor
    ]
