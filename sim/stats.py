"""Figures from simulated days: waits per service and overall, utilisation, estimate error."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from hallq.core.percentile import percentile

from .day import DayResult, Record

LATE_S = 300.0  # an estimate is "broken" when the real wait exceeds it by more than this


@dataclass(frozen=True, slots=True)
class WaitStats:
    """Waits in seconds until the first call."""

    label: str
    tickets: int
    mean: float
    p50: float
    p95: float
    max: float
    priority_share: float  # share of calls that went to front-priority tickets
    longest_normal: float  # longest wait of a ticket without a front priority
    priority_mean: float  # mean wait of front-priority tickets (nan when none)


def _nan(value: float | None) -> float:
    """A figure of no tickets is nan in these tables."""
    return math.nan if value is None else value


def wait_stats(label: str, records: Iterable[Record]) -> WaitStats:
    called = [r for r in records if r.wait_s is not None]
    waits = sorted(float(r.wait_s) for r in called if r.wait_s is not None)
    front = [float(r.wait_s) for r in called if r.front and r.wait_s is not None]
    normal = [float(r.wait_s) for r in called if not r.front and r.wait_s is not None]
    return WaitStats(
        label,
        len(waits),
        fmean(waits) if waits else math.nan,
        _nan(percentile(waits, 50)),
        _nan(percentile(waits, 95)),
        waits[-1] if waits else math.nan,
        len(front) / len(waits) if waits else math.nan,
        max(normal, default=math.nan),
        fmean(front) if front else math.nan,
    )


def all_records(days: Iterable[DayResult]) -> list[Record]:
    return [r for d in days for r in d.records]


def by_service(days: Sequence[DayResult]) -> list[WaitStats]:
    groups: dict[str, list[Record]] = {}
    for r in all_records(days):
        groups.setdefault(r.service, []).append(r)
    return [wait_stats(code, recs) for code, recs in sorted(groups.items())]


def utilisation(days: Sequence[DayResult]) -> dict[str, float]:
    """Per window: time serving (call to finish) over time staffed (open, not paused)."""
    out = {}
    for wid in days[0].windows:
        staffed = sum(d.windows[wid].staffed_s for d in days)
        busy = sum(d.windows[wid].busy_s for d in days)
        out[wid] = busy / staffed if staffed else math.nan
    return out


@dataclass(frozen=True, slots=True)
class EstimateError:
    tickets: int
    mae_s: float
    late_share: float  # share of tickets whose wait exceeded the estimate by > LATE_S
    mean_bias_s: float  # mean of (real - estimate)


def estimate_error(records: Iterable[Record], baseline: bool = False) -> EstimateError:
    """How the wait printed on normal tickets (or the baseline estimator's figure) compares
    with their real wait."""
    pairs = [
        (float(r.wait_s), float(est))
        for r in records
        if not r.front
        and r.wait_s is not None
        and (est := r.est_base_s if baseline else r.est_wait_s) is not None
    ]
    if not pairs:
        return EstimateError(0, math.nan, math.nan, math.nan)
    errors = [real - est for real, est in pairs]
    return EstimateError(
        len(pairs),
        fmean(abs(e) for e in errors),
        sum(1 for e in errors if e > LATE_S) / len(pairs),
        fmean(errors),
    )
