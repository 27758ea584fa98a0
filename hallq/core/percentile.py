"""The one percentile used for waits and latencies (board report, simulator, benchmarks).

Nearest rank: the p-th percentile of n values is the smallest value with at least p% of the
values at or below it, i.e. the ``ceil(p / 100 * n)``-th smallest (the first for p = 0). It is
always one of the values (never interpolated), so "p90 wait 24 min" means some ticket really
waited 24 minutes. An empty input has no percentile: None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], pct: float) -> float | None:
    """Nearest-rank ``pct``-th percentile (0-100) of ``values`` in any order; None if empty."""
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct} is outside 0-100")
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]
