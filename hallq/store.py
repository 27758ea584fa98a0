"""The durable event store: every change is an appended row in SQLite (WAL, synchronous=FULL).

A command's events and its reply are written in one transaction before the reply is sent, so a
ticket acknowledged to a kiosk survives ``kill -9`` or a power cut at any moment, and a repeated
command id (QoS 1 redelivery, a kiosk's retry) is answered from the stored reply. History is
never deleted: a new business day is just a ``day_started`` event.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hallq.contract import StoreHealth, StoreStatus
from hallq.core.apply import PERSISTENT_KINDS
from hallq.core.model import Event, EventKind
from hallq.errors import HallqError

from .store_health import (
    EXPLAIN,
    LOW_DISK_MB,
    companions,
    diagnose,
    disk_status,
    free_mb,
    write_problem,
)

log = logging.getLogger(__name__)
APPLICATION_ID = 0x48514C51  # "HQLQ": marks a hallq database
SCHEMA_VERSION = 1
# bytes: the WAL file is cut back to this when it starts again (journal_size_limit). Kept at
# its size, not cut to nothing: a commit that overwrites the file's blocks is durable with one
# quick fdatasync, one that makes the file grow also waits for the file system's journal
# (0.5 vs 5-10 ms a commit here)
WAL_LIMIT = 8 * 2**20
CHECKPOINT_AT = 2**20  # bytes of WAL: keep_wal_small checkpoints past this
# pages (16 MB): SQLite's own checkpoint, run inside a commit past this size (two more fsyncs
# on a command's path), is only a safety net; the service checkpoints beside the writer
# (keep_wal_small) once the WAL passes CHECKPOINT_AT
WAL_AUTOCHECKPOINT = 4096
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    day  TEXT NOT NULL,
    at   REAL NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_day ON events(day, seq);
-- start-up finds the last day_started and the older settings rows through this index, so a
-- restart does not scan years of history (created once, on the first open of an older file)
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, seq);
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

    status: StoreStatus | None = None  # the diagnosis, when one could be made

    @property
    def reason(self) -> str:
        """What is wrong in a few words, without the path (for replies to devices)."""
        return EXPLAIN.get(self.status or StoreStatus.OK, "store write failed")


class ForeignDatabase(StoreError):
    """The file is an SQLite database, but not a hallq one (or a newer schema)."""


class CorruptDatabase(StoreError):
    """The file is damaged or not an SQLite database at all."""

    status = StoreStatus.CORRUPT


class StoreGone(StoreError, FileNotFoundError):
    """The store file was deleted or replaced while open: what is written now would be lost."""

    status = StoreStatus.MISSING


class StoreUnwritable(StoreError, OSError):
    """The store cannot be written: disk full, read-only file system, permission, immutable."""

    def __init__(self, message: str, status: StoreStatus) -> None:
        super().__init__(message)
        self.status = status


class EventStore:
    """Append-only log of engine events plus the replies to commands, in one SQLite file."""

    def __init__(self, path: str | Path, *, low_disk_mb: int = LOW_DISK_MB) -> None:
        self.path = Path(path)
        self.low_disk_mb = low_disk_mb
        self._db: sqlite3.Connection | None = None
        self._identity: dict[Path, tuple[int, int]] = {}  # file -> (st_dev, st_ino) at open
        self._last_error: StoreError | None = None
        self._damage: str | None = None  # what verify() found, if anything
        self._aside: sqlite3.Connection | None = None  # keep_wal_small's own connection

    def open(self) -> EventStore:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc, opened=False) from exc
        try:
            self._check(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
            db.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            db.close()
            raise self._failure(exc, opened=False) from exc
        except StoreError:
            db.close()
            raise
        self._db = db
        self._identity = {f: _identity(f) for f in companions(self.path)}
        return self

    def _check(self, db: sqlite3.Connection) -> None:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise ForeignDatabase(f"{self.path}: an SQLite file of another program, not hallq")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ForeignDatabase(f"{self.path}: schema {version} is newer than this hallq")
        # the whole-file integrity check is not done here: it grows with history (0.4 s at
        # 2 million rows) and would delay every restart; see verify(), run in the background

    def verify(self) -> str | None:
        """``PRAGMA quick_check`` of the whole file on its own read-only connection (a reader:
        the service keeps writing meanwhile). None when sound, else what is damaged; a damaged
        file is then reported by health() as CORRUPT until the service restarts."""
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            try:
                result = str(db.execute("PRAGMA quick_check").fetchone()[0])
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            result = f"cannot be checked ({exc})"
        self._damage = None if result == "ok" else f"{self.path}: damaged ({result[:200]})"
        return self._damage

    def _failure(self, exc: sqlite3.Error, *, opened: bool) -> StoreError:
        """The StoreError that says in plain words why SQLite failed."""
        status = diagnose(self.path, exc, opened=opened)
        if status is StoreStatus.CORRUPT:
            return CorruptDatabase(f"{self.path}: not a readable database, damaged ({exc})")
        if status is StoreStatus.MISSING:
            return _gone(self.path)
        if status is not None:
            return StoreUnwritable(f"{self.path}: cannot write: {EXPLAIN[status]} ({exc})", status)
        verb = "write failed" if opened else "cannot open"
        return StoreError(f"{self.path}: {verb} ({exc})")

    # ---------------------------------------------------------------- health
    def check(self) -> None:
        """Raise StoreGone or StoreUnwritable if the store cannot take a write now.

        A stat and an access() per file, cheap enough for every commit; run BEFORE SQLite
        touches the files: once the -shm is immutable, its next write is a SIGBUS."""
        for f, ident in self._identity.items():
            try:
                same = _identity(f) == ident
            except FileNotFoundError:
                same = False
            if not same:
                raise _gone(self.path)
        problem = write_problem(self.path) if self._identity else None
        if problem is not None:
            raise StoreUnwritable(f"{self.path}: cannot write: {EXPLAIN[problem]}", problem)

    def health(self) -> StoreHealth:
        """The store's status for the board: statvfs + check(), no database access."""
        free = free_mb(self.path)
        try:
            self.check()
        except StoreError as exc:
            return StoreHealth(
                status=exc.status or StoreStatus.UNWRITABLE, message=str(exc), free_mb=free
            )
        disk = disk_status(self.path, self.low_disk_mb)
        last = self._last_error
        if last is not None and last.status is not StoreStatus.DISK_FULL:
            return StoreHealth(
                status=last.status or StoreStatus.UNWRITABLE, message=str(last), free_mb=free
            )
        if self._damage is not None:  # still writable: serve on, but the board alarms
            return StoreHealth(status=StoreStatus.CORRUPT, message=self._damage, free_mb=free)
        if disk is StoreStatus.OK:
            return StoreHealth(status=disk, message="ok", free_mb=free)
        message = f"{self.path}: {EXPLAIN[disk]}, {free} MB free"
        return StoreHealth(status=disk, message=message, free_mb=free)

    def wal_bytes(self) -> int:
        wal = Path(f"{self.path}-wal")
        return wal.stat().st_size if wal.exists() else 0

    def checkpoint(self, *, truncate: bool = False) -> None:
        """Copy the WAL into the database; TRUNCATE also empties the WAL file (quiet times:
        it waits for readers such as the board)."""
        self.check()
        mode = "TRUNCATE" if truncate else "PASSIVE"
        try:
            self.db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except sqlite3.Error as exc:
            raise self._failure(exc, opened=True) from exc

    def keep_wal_small(self) -> bool:
        """Past CHECKPOINT_AT, copy the WAL into the database with a PASSIVE checkpoint on a
        connection of its own, from the caller's thread: it runs beside the writer (never in
        a commit, never waiting for one), so no command pays its fsyncs. The writer's next
        transaction then starts the WAL again from its beginning (the file keeps its size, up to
        WAL_LIMIT).
        True if it checkpointed."""
        if self.wal_bytes() <= CHECKPOINT_AT:
            return False
        try:
            if self._aside is None:
                self._aside = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False
                )
            self._aside.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            raise self._failure(exc, opened=True) from exc
        return True

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
            self._aside = None
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
            self.check()
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO events(day, at, kind, data) VALUES (?,?,?,?)", rows)
            db.executemany(
                "INSERT OR REPLACE INTO commands(device, id, at, reply) VALUES (?,?,?,?)",
                [(device, cmd_id, at, json.dumps(reply)) for device, cmd_id, reply in replies],
            )
            db.execute("COMMIT")
        except StoreError as exc:
            self._last_error = exc
            raise
        except sqlite3.Error as exc:
            _rollback(db)
            self._last_error = self._failure(exc, opened=True)
            raise self._last_error from exc
        self._last_error = None

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


def _identity(f: Path) -> tuple[int, int]:
    st = os.stat(f)
    return st.st_dev, st.st_ino


def _gone(path: Path) -> StoreGone:
    return StoreGone(
        f"{path}: {EXPLAIN[StoreStatus.MISSING]}; nothing is saved any more: "
        "restore the store from the backup and restart the service"
    )


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            log.warning("rollback failed; SQLite rolls back on its own at the next open")


def _day_of(event: Event, current: str) -> str:
    return str(event.data["day"]) if event.kind == EventKind.DAY_STARTED else current
