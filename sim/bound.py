"""A lower bound on mean wait that holds for every call rule, respecting the skill graph.

Why it is a bound. Split the window-service graph into connected components
(:func:`sim.runner.components`); no ticket is ever served outside its component. Inside a
component of ``k`` windows, whatever a call rule does (tiers, c-mu, size-aware, even
preemptive or clairvoyant), its windows do at most ``k`` seconds of work per second. So every
schedule of the component's first visits is a schedule a single server ``k`` times as fast
could also run, and on one server SRPT (shortest remaining work first, preemptive) finishes at
least as many jobs by every moment as any other order (Schrage 1968), so its sum of time in
system is the least. With ``T`` the time from ticket to the end of the first visit and ``S``
that visit's window time (service, or the recall of a no-show): the sum of waits of any rule,
``sum(T - S)``, is at least ``sum(T_srpt) - sum(S)``. (The multiserver form of this argument:
I. Grosof, Z. Scully and M. Harchol-Balter, "SRPT for multiserver systems", *Performance
Evaluation* 127-128, 2018.)

Everything left out only lowers the figure: lunch breaks (the fast server never pauses), the
work of transfers and later stages, a case's first stage (taken as size 0). The visit times
are drawn from the same distributions as the simulation's, so it bounds the *expected* mean
wait; the arrivals are the simulation's own for the seed (the first draws of its stream).
It assumes every arrival gets a ticket (the benchmark loads refuse none). Loose where there
are many windows (a 76-window server clears almost anything at once), tighter where a hall
runs over capacity.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from hallq.core.engine import Engine
from hallq.core.model import Layout

from .day import DaySim, Sampler, exponential, lognormal, opening_days
from .load import DayLoad
from .runner import components


@dataclass(slots=True)
class Srpt:
    """One preemptive SRPT server doing ``speed`` seconds of work per second, fed ``jobs``
    (arrival time, work in seconds): the sum of time in system and the time integral of
    the number in system beyond ``windows``."""

    speed: float
    windows: int
    time_in_system: float = 0.0
    excess: float = 0.0  # integral of max(0, jobs in system - windows) dt
    now: float = 0.0
    heap: list[tuple[float, float]] = field(default_factory=list)  # (remaining, arrival)

    def run(self, jobs: Iterable[tuple[float, float]]) -> Srpt:
        for arrival, work in sorted(jobs):
            self._until(arrival)
            heapq.heappush(self.heap, (work, arrival))
        self._until(math.inf)
        return self

    def _until(self, until: float) -> None:
        """Serve the smallest remaining job from now until ``until`` (or all are done)."""
        while self.heap and self.now < until:
            work, arrival = self.heap[0]
            step = min(work / self.speed, until - self.now)
            self.excess += max(0, len(self.heap) - self.windows) * step
            self.now += step
            if step < work / self.speed:
                heapq.heapreplace(self.heap, (work - step * self.speed, arrival))
                return
            heapq.heappop(self.heap)
            self.time_in_system += self.now - arrival
        self.now = max(self.now, until)


def work_bound_days(layout: Layout, load: DayLoad, *, days: int, seed: int) -> list[float]:
    """Per simulated day: the bound on the mean wait (seconds, at least 0)."""
    partitions = [[(len(w), c) for w, c in components(layout)], by_department(layout)]
    sample = _visit_sampler(load)
    out = []
    for i, day in enumerate(islice(opening_days(layout, load.start_date()), days)):
        arrivals = list(DaySim(Engine(layout), load, day, random.Random(f"{seed}:{i}")).arrivals())
        rng = random.Random(f"bound:{seed}:{i}")
        jobs = [
            (t, code, sample(rng, layout.services[code].avg_service_min * 60))
            for t, code in arrivals
        ]
        out.append(max(_bound(groups, jobs) for groups in partitions))
    return out


def by_department(layout: Layout) -> list[tuple[int, set[str]]]:
    """Each department's services, with the number of windows holding any of them."""
    groups: dict[str, set[str]] = {}
    for code, spec in layout.services.items():
        groups.setdefault(spec.department, set()).add(code)
    return [
        (sum(1 for w in layout.windows.values() if codes & w.services.keys()), codes)
        for codes in groups.values()
    ]


def _bound(groups: Sequence[tuple[int, set[str]]], jobs: list[tuple[float, str, float]]) -> float:
    if not jobs:
        return 0.0
    excess = 0.0
    for k, codes in groups:
        mine = [(t, work) for t, code, work in jobs if code in codes]
        fast = Srpt(k, k).run(mine)
        excess += max(fast.excess, fast.time_in_system - sum(work for _, work in mine))
    return max(0.0, excess / len(jobs))


def _visit_sampler(load: DayLoad) -> Sampler:
    """A first visit's window time: 0 for a case (its first stage is left out), the recall of
    a no-show, else a service time."""
    service = exponential if load.distribution == "exponential" else lognormal(load.service_cv)
    cases = sum(load.matters.values())

    def sample(rng: random.Random, mean: float) -> float:
        if rng.random() < cases:
            return 0.0
        if rng.random() < load.no_show:
            return load.recall_s
        return service(rng, mean)

    return sample
