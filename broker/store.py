"""The durable event store: every change is an appended row in SQLite (WAL, synchronous=FULL).

A command's events and its reply are written in one transaction before the reply is sent, so a
ticket acknowledged to a kiosk survives ``kill -9`` or a power cut at any moment, and a repeated
command id (QoS 1 redelivery, a kiosk's retry) is answered from the stored reply. History is
never deleted: a new business day is just a ``day_started`` event.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hallq.core.apply import PERSISTENT_KINDS
from hallq.core.model import Event
from hallq.errors import HallqError

log = logging.getLogger(__name__)
APPLICATION_ID = 0x48514C51  # "HQLQ": marks a hallq database
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    day  TEXT NOT NULL,
    at   REAL NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_day ON events(day, seq);
CREATE TABLE IF NOT EXISTS commands (
    device TEXT NOT NULL,
    id     TEXT NOT NULL,
    at     REAL NOT NULL,
    reply  TEXT NOT NULL,
    PRIMARY KEY (device, id)
);
"""


class StoreError(HallqError, RuntimeError):
    """The event store cannot be opened or written."""


class ForeignDatabase(StoreError):
    """The file is an SQLite database, but not a hallq one (or a newer schema)."""


class CorruptDatabase(StoreError):
    """The file is damaged or not an SQLite database at all."""


class EventStore:
    """Append-only log of engine events plus the replies to commands, in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    def open(self) -> EventStore:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._check(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabase(f"{self.path}: not a readable database ({exc})") from exc
        self._db = db
        return self

    def _check(self, db: sqlite3.Connection) -> None:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise ForeignDatabase(f"{self.path}: an SQLite file of another program, not hallq")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ForeignDatabase(f"{self.path}: schema {version} is newer than this hallq")
        ok = db.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise CorruptDatabase(f"{self.path}: damaged ({ok})")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError("store is not open")
        return self._db

    # ----------------------------------------------------------------- write
    def append(
        self,
        events: Iterable[Event],
        day: str,
        command: tuple[str, str, dict[str, Any]] | None = None,
        at: float = 0.0,
        *,
        commands: Iterable[tuple[str, str, dict[str, Any]]] = (),
    ) -> None:
        """Write events and command replies atomically (one fsync for a whole batch of
        commands: group commit); durable when this returns."""
        replies = [*commands, *([command] if command is not None else [])]
        rows = [
            (_day_of(e, day), e.at, e.kind, json.dumps(e.data, ensure_ascii=False)) for e in events
        ]
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO events(day, at, kind, data) VALUES (?,?,?,?)", rows)
            db.executemany(
                "INSERT OR REPLACE INTO commands(device, id, at, reply) VALUES (?,?,?,?)",
                [(device, cmd_id, at, json.dumps(reply)) for device, cmd_id, reply in replies],
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: write failed ({exc})") from exc

    def forget_commands(self, keep_s: float, keep_rows: int = 0) -> int:
        """Drop stored replies older than the NEWEST stored reply minus ``keep_s`` and not
        among the newest ``keep_rows`` written (rowid order): no clock jump wipes them."""
        cur = self.db.execute(
            "DELETE FROM commands WHERE at < (SELECT MAX(at) FROM commands) - ?"
            " AND rowid < (SELECT rowid FROM commands ORDER BY rowid DESC LIMIT 1 OFFSET ?)",
            (keep_s, max(keep_rows - 1, 0)),
        )
        return cur.rowcount

    # ------------------------------------------------------------------ read
    def reply_for(self, device: str, cmd_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT reply FROM commands WHERE device=? AND id=?", (device, cmd_id)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def events(self, day: str | None = None, since_seq: int = 0) -> Iterator[Event]:
        """Stored events in order, optionally of one business day only."""
        sql = "SELECT at, kind, data FROM events WHERE seq > ?"
        args: tuple[Any, ...] = (since_seq,)
        if day is not None:
            sql += " AND day = ?"
            args += (day,)
        for at, kind, data in self.db.execute(sql + " ORDER BY seq", args):
            yield Event(kind, at, json.loads(data))

    def replay_events(self) -> Iterator[Event]:
        """What rebuilds today's state: settings that outlive a day, then the last day."""
        for _seq, event in self.replay_rows():
            yield event

    def replay_rows(self) -> Iterator[tuple[int, Event]]:
        """:meth:`replay_events` with each event's row number (to name a row that fails)."""
        row = self.db.execute("SELECT MAX(seq) FROM events WHERE kind = 'day_started'").fetchone()
        start = row[0] or 0
        marks = ",".join("?" * len(PERSISTENT_KINDS))
        older = self.db.execute(
            f"SELECT seq, at, kind, data FROM events WHERE seq < ? AND kind IN ({marks})"
            " ORDER BY seq",
            (start, *sorted(PERSISTENT_KINDS)),
        )
        today = self.db.execute(
            "SELECT seq, at, kind, data FROM events WHERE seq >= ? ORDER BY seq", (start,)
        )
        for rows in (older, today):
            for seq, at, kind, data in rows:
                yield seq, Event(kind, at, _loads(data))

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def _loads(data: str) -> dict[str, Any]:
    """An event's data; a row that is not a JSON object becomes one the engine will refuse
    (so replay reports that row instead of dying on it)."""
    try:
        value = json.loads(data)
    except ValueError as exc:
        return {"unreadable": str(exc)}
    return value if isinstance(value, dict) else {"unreadable": repr(value)[:100]}


def _day_of(event: Event, current: str) -> str:
    return str(event.data["day"]) if event.kind == "day_started" else current
