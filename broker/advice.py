"""The staffing advice payload (state/advice) from the pure core's Erlang C model."""

from __future__ import annotations

import math
from typing import Any

from hallq.core.engine import Engine
from hallq.core.staffing import Need, advise

MAX_NEEDS = 12


def _minutes(seconds: float) -> float | None:
    return None if math.isinf(seconds) else round(seconds / 60, 1)


def _need(n: Need) -> dict[str, Any]:
    return {
        "department": n.pool,
        "services": list(n.services),
        "arrivals_per_h": round(n.load.arrivals_per_h, 1),
        "mean_service_min": round(n.load.mean_service_s / 60, 1),
        "target_wait_min": round(n.target_wait_s / 60, 1),
        "windows_serving": round(n.windows_serving, 2),
        "windows_needed": n.windows_needed,
        "predicted_wait_min": _minutes(n.predicted_wait_s),
    }


def advice_payload(engine: Engine, now: float) -> dict[str, Any]:
    """Pools with demand (most short-staffed first) and the moves that would cover them."""
    found = advise(engine, now)
    windows = engine.layout.windows
    return {
        "at": round(now, 1),
        "needs": [_need(n) for n in found.needs if n.load.arrivals_per_h > 0][:MAX_NEEDS],
        "moves": [
            {
                "action": m.action,
                "window": m.window,
                "window_name": windows[m.window].name,
                "services": list(m.services),
                "reason": m.reason,
            }
            for m in found.moves
        ],
    }
