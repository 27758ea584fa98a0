"""The region's own record of what the halls sent: every per-ticket event received over the
bridges, in SQLite (``[board] store``, beside the bookings), for the region reports.

**Why a record at the region, not reports pulled from each hall.** The county compares halls
side by side for any day or month, also while some halls are unreachable (a township's WAN is
down for hours, or it is closed); a pull would need a request/reply path through every bridge
and would show nothing for a hall that cannot answer. The events already flow to the region
(the bridge carries ``event/#``, queued through a WAN cut), so the region only keeps them.

**Exactly once from at least once.** QoS 1 may deliver a message twice (one in flight when a
WAN link dropped comes again on reconnect); rows are keyed on (hall, ticket, kind, at) and a
repeat is ignored (counted in ``duplicates``). A row is committed before paho acknowledges the
message (the callback returns after the commit), so a region service killed mid-way gets the
message again from its persistent session.

**What can still be missing.** Events the hall's bridge dropped (its queue limit, or its
Mosquitto restarted during a cut: docs/deploy.md §10). The region therefore also keeps each
hall's own day totals from its retained ``state/hall``; a report marks a hall whose record is
short of them (``complete`` false), rather than showing a lower figure as if it were whole.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hallq import contract as c

from .sqlite import RegionTables

log = logging.getLogger(__name__)
SCHEMA = """
CREATE TABLE IF NOT EXISTS hall_events (
  hall TEXT NOT NULL, ticket TEXT NOT NULL, kind TEXT NOT NULL, at REAL NOT NULL,
  day TEXT NOT NULL, service TEXT NOT NULL DEFAULT '', wait_s REAL, target_s INTEGER,
  outcome TEXT, score INTEGER,
  PRIMARY KEY (hall, ticket, kind, at)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS hall_events_day ON hall_events (day, hall);
CREATE TABLE IF NOT EXISTS hall_days (
  hall TEXT NOT NULL, day TEXT NOT NULL, issued INTEGER NOT NULL, no_show INTEGER NOT NULL,
  rated INTEGER NOT NULL, PRIMARY KEY (hall, day)) WITHOUT ROWID;
"""
EVENT_KINDS = ("issued", "called", "finished", "rated")
INSERT = (
    "INSERT OR IGNORE INTO hall_events "
    "(hall, ticket, kind, at, day, service, wait_s, target_s, outcome, score) "
    "VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def event_row(hall: str, kind: str, payload: bytes) -> tuple[Any, ...] | None:
    """The row for one bridged event (None: nothing a report counts, e.g. a recall)."""
    if kind == "issued":
        i = c.decode(payload, c.IssuedEvent)
        return (hall, i.ticket, kind, i.at, i.day, i.service, None, None, None, None)
    if kind == "called":
        e = c.decode(payload, c.CalledEvent)
        if e.recall or e.wait_s is None or not e.day:
            return None
        return (hall, e.ticket, kind, e.at, e.day, e.service, e.wait_s, e.target_wait_s, None, None)
    if kind == "finished":
        f = c.decode(payload, c.FinishedEvent)
        return (hall, f.ticket, kind, f.at, f.day, f.service, None, None, f.outcome, None)
    if kind == "rated":
        r = c.decode(payload, c.RatedEvent)
        return (hall, r.ticket, kind, r.at, r.day, r.service, None, None, None, r.score)
    return None


class HallRecord(RegionTables):
    """The region's SQLite record of the halls' events and their own day totals."""

    SCHEMA = SCHEMA
    PRAGMAS = ("PRAGMA synchronous=NORMAL",)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.duplicates = 0  # repeats ignored (QoS 1 redeliveries)

    def _path(self) -> Path:
        return self.path

    def add(self, row: tuple[Any, ...]) -> bool:
        """Keep one event; False when it was already kept (a redelivery)."""
        with self._lock:
            added = self.db.execute(INSERT, row).rowcount == 1
            if not added:
                self.duplicates += 1
        return added

    def hall_day(self, hall: str, state: c.HallState) -> None:
        """The hall's own totals of a day (they only grow: an older retained copy is ignored)."""
        if not state.day:
            return
        with self._lock:
            self.db.execute(
                "INSERT INTO hall_days VALUES (?,?,?,?,?) ON CONFLICT (hall, day) DO UPDATE SET "
                "issued=max(issued, excluded.issued), no_show=max(no_show, excluded.no_show), "
                "rated=max(rated, excluded.rated)",
                (hall, state.day, state.issued, state.no_show, sum(state.ratings.values())),
            )

    def events(self, first: str, last: str, halls: set[str]) -> list[tuple[Any, ...]]:
        """(hall, kind, day, wait_s, target_s, outcome, score) of the days first..last."""
        rows = self.db.execute(
            "SELECT hall, kind, day, wait_s, target_s, outcome, score FROM hall_events "
            "WHERE day BETWEEN ? AND ?",
            (first, last),
        ).fetchall()
        return [r for r in rows if r[0] in halls]

    def totals(self, first: str, last: str, halls: set[str]) -> dict[str, dict[str, int]]:
        """The halls' own totals over the days first..last (halls never heard: absent)."""
        rows = self.db.execute(
            "SELECT hall, SUM(issued), SUM(no_show), SUM(rated) FROM hall_days "
            "WHERE day BETWEEN ? AND ? GROUP BY hall",
            (first, last),
        ).fetchall()
        return {h: {"issued": i, "no_show": n, "rated": r} for h, i, n, r in rows if h in halls}

    def count(self, hall: str, kind: str, day: str) -> int:
        (n,) = self.db.execute(
            "SELECT COUNT(*) FROM hall_events WHERE hall=? AND kind=? AND day=?",
            (hall, kind, day),
        ).fetchone()
        return int(n)
