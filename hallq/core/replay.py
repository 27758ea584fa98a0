"""Rebuilding state from stored events without ever crash-looping on one bad row.

A store can hold an event the engine cannot apply (written by a defect, edited by hand, or
from a newer hallq). Replay skips such an event, reports it as a :class:`ReplayFault` naming
the row, and goes on: the hall keeps serving with everything else, and the fault is logged
loudly and shown on the board (docs/architecture.md, "Replay faults"). Appliers look up what an
event refers to before changing anything, so a skipped event leaves no half-applied change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Event

if TYPE_CHECKING:
    from .engine import Engine


@dataclass(frozen=True, slots=True)
class ReplayFault:
    """One stored event that could not be applied (and was skipped)."""

    seq: int  # the store's row number (events.seq), or the position when there is none
    kind: str
    error: str

    def describe(self) -> str:
        return f"event row {self.seq} ({self.kind}): {self.error}"


def replay(engine: Engine, rows: Iterable[tuple[int, Event]]) -> tuple[int, list[ReplayFault]]:
    """Apply ``(seq, event)`` rows in order; returns (applied count, skipped faults)."""
    applied, faults = 0, []
    for seq, event in rows:
        try:
            engine.apply(event)
        except Exception as exc:  # any failure of one row: skip it, report it
            faults.append(ReplayFault(seq, event.kind, f"{type(exc).__name__}: {exc}"[:300]))
        else:
            applied += 1
    return applied, faults


def numbered(events: Iterable[Event]) -> Iterable[tuple[int, Event]]:
    """Rows for :func:`replay` from plain events, numbered from 1 by position."""
    return enumerate(events, start=1)
