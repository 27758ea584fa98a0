"""Run simulated days on a fresh engine with a given policy; build the pooled-bound layout."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from itertools import islice

from hallq.core.engine import Engine
from hallq.core.model import Layout, Tier
from hallq.core.policies import Policy

from .day import DayResult, DaySim, opening_days
from .load import DayLoad

Progress = Callable[[int, int], None]


def simulate(
    layout: Layout,
    load: DayLoad,
    *,
    policy: str | Policy = "default",
    days: int = 1,
    seed: int = 1,
    progress: Progress | None = None,
) -> list[DayResult]:
    """``days`` opening days from the load's date, one engine (as in the broker), seeded.

    The random stream depends only on the seed and the load, so two policies see the same
    citizens arriving for the same services (common random numbers) as long as their
    decisions do not change later draws."""
    engine = Engine(layout, policy)
    results = []
    for i, day in enumerate(islice(opening_days(layout, load.start_date()), days)):
        rng = random.Random(f"{seed}:{i}")
        results.append(DaySim(engine, load, day, rng).run())
        if progress is not None:
            progress(i + 1, days)
    return results


def pooled_layout(layout: Layout) -> Layout:
    """The lower bound's hall: every window serves every service as primary, one FIFO line."""
    every = dict.fromkeys(layout.services, Tier.PRIMARY)
    windows = {wid: replace(w, services=dict(every)) for wid, w in layout.windows.items()}
    return replace(layout, windows=windows)


def components(layout: Layout) -> list[tuple[set[str], set[str]]]:
    """Connected components of the window-service graph (a window is joined to every service
    it holds, primary or secondary): [(windows, services)], largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for wid, w in layout.windows.items():
        for code in w.services:
            parent[find("w:" + wid)] = find("s:" + code)
    groups: dict[str, tuple[set[str], set[str]]] = {}
    for node in list(parent):
        windows, services = groups.setdefault(find(node), (set(), set()))
        (windows if node.startswith("w:") else services).add(node[2:])
    return sorted(groups.values(), key=lambda g: -len(g[0]))


def component_pooled_layout(layout: Layout) -> Layout:
    """The skill-graph bound's hall: every window serves, from one FIFO line, every service of
    its connected component (and still none outside it)."""
    windows = dict(layout.windows)
    for wids, codes in components(layout):
        every = dict.fromkeys(sorted(codes), Tier.PRIMARY)
        for wid in wids:
            windows[wid] = replace(layout.windows[wid], services=dict(every))
    return replace(layout, windows=windows)
