"""差评整改: every 1–2 star rating becomes a follow-up item, handled and closed on the board.

Where it is kept, and why (docs/board.md, "差评整改"): the **ratings** stay in the broker's event
store, the system of record; this module never writes there. What managers do about a rating
(assign it to a department, write what was done, close it) is back-office work of the board,
kept in ``board-followups.sqlite`` beside the users file, as an append-only table of actions
with who did each. Items are found by reading the store (read-only): every 差评 stored is an
item, even one rated while the board was down, and the item table is only a cache of what the
store says (deleting it loses nothing but the actions).

Item state is derived from its actions: ``open`` → ``handled`` (a note saying what was done) →
``closed`` (by a manager). Overdue: not closed after ``followup_days`` working days
(board/workdays.py: the hall's calendar) from the rating's business day.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from hallq.errors import HallqError

from .stats import BAD_SCORES, Rating
from .workdays import IsWorking, add_working_days, is_working_day, working_days

log = logging.getLogger(__name__)
MAX_NOTE = 500
SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY, day TEXT NOT NULL, ticket TEXT NOT NULL, at REAL NOT NULL,
    score INTEGER NOT NULL, service TEXT NOT NULL, window TEXT NOT NULL, staff TEXT,
    department TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_day ON items(day);
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, at REAL NOT NULL,
    by TEXT NOT NULL, action TEXT NOT NULL, department TEXT, note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS actions_key ON actions(key, id);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Status(StrEnum):
    OPEN = "open"  # 待处理
    HANDLED = "handled"  # 已处理, waiting for a manager to close it
    CLOSED = "closed"  # 已办结


class Action(StrEnum):
    ASSIGN = "assign"  # 指派部门
    HANDLE = "handle"  # 处理说明
    CLOSE = "close"  # 办结


class FollowupRefused(HallqError, ValueError):
    """A follow-up action that is not allowed (unknown item, closed, no note, …)."""

    def __init__(self, message: str, code: str = "bad_request", status: int = 400) -> None:
        super().__init__(message)
        self.code, self.status = code, status


@dataclass
class Item:
    """One 差评 and what was done about it."""

    rating: Rating
    department: str  # responsible now: the window's department unless reassigned
    due: str  # the last working day to close it in time
    status: Status = Status.OPEN
    actions: list[dict[str, Any]] = field(default_factory=list)
    closed_at: float | None = None

    def overdue(self, today: str) -> bool:
        """Not closed by its due day (a late close stays marked as late)."""
        if self.closed_at is None:
            return today > self.due
        return self.actions[-1]["day"] > self.due

    def as_dict(self, today: str) -> dict[str, Any]:
        r = self.rating
        return {
            "key": r.key,
            "day": r.day,
            "ticket": r.ticket,
            "at": r.at,
            "score": r.score,
            "service": r.service,
            "window": r.window,
            "staff": r.staff,
            "department": self.department,
            "status": str(self.status),
            "due": self.due,
            "overdue": self.overdue(today),
            "actions": self.actions,
        }


class Followups:
    """The follow-up file: items found in the store, and the actions taken on them."""

    def __init__(
        self,
        path: Path,
        *,
        overdue_days: int,
        window_department: dict[str, str],
        departments: Iterable[str],
        is_working: IsWorking = is_working_day,
        day_of: Callable[[float], str] | None = None,
    ) -> None:
        self.path, self.overdue_days, self.is_working = path, overdue_days, is_working
        self.window_department = window_department
        self.departments = set(departments)
        self.day_of = day_of or (lambda at: date.fromtimestamp(at).isoformat())
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ file
    def _connect(self, readonly: bool = False) -> sqlite3.Connection:
        if readonly:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.executescript(SCHEMA)
        self.path.chmod(0o600)
        return db

    def cursor(self) -> int:
        """The last event-store row already searched for 差评."""
        if not self.path.exists():
            return 0
        with closing(self._connect(readonly=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE name='cursor'").fetchone()
        return int(row[0]) if row else 0

    def add(self, ratings: Iterable[Rating], cursor: int) -> int:
        """Record the 差评 among ``ratings`` as items (once each) and move the cursor."""
        rows = [
            (
                *(r.key, r.day, r.ticket, r.at, r.score, r.service, r.window, r.staff),
                self.window_department.get(r.window, ""),
            )
            for r in ratings
            if r.score in BAD_SCORES
        ]
        with self._lock, closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO items VALUES (?,?,?,?,?,?,?,?,?)", rows)
            added = db.total_changes - before
            db.execute("INSERT OR REPLACE INTO meta VALUES ('cursor', ?)", (cursor,))
            db.execute("COMMIT")
        return added

    # ------------------------------------------------------------------ read
    def items(self, first_day: str = "", last_day: str = "9999") -> list[Item]:
        """Items rated from ``first_day`` to ``last_day`` (inclusive), oldest first."""
        if not self.path.exists():
            return []
        with closing(self._connect(readonly=True)) as db:
            db.execute("BEGIN")
            rows = db.execute(
                "SELECT * FROM items WHERE day BETWEEN ? AND ? ORDER BY at", (first_day, last_day)
            ).fetchall()
            acts = db.execute(
                "SELECT a.key, a.at, a.by, a.action, a.department, a.note FROM actions a"
                " JOIN items i ON i.key = a.key WHERE i.day BETWEEN ? AND ? ORDER BY a.id",
                (first_day, last_day),
            ).fetchall()
        by_key: dict[str, list[tuple[Any, ...]]] = {}
        for a in acts:
            by_key.setdefault(a[0], []).append(a)
        return [self._item(row, by_key.get(row[0], [])) for row in rows]

    def item(self, key: str) -> Item | None:
        day = key.split("/", maxsplit=1)[0]
        found = [i for i in self.items(day, day) if i.rating.key == key]
        return found[0] if found else None

    def fresh(self, rating: Rating) -> Item:
        """The item of a 差评 nobody has acted on yet."""
        due = add_working_days(date.fromisoformat(rating.day), self.overdue_days, self.is_working)
        return Item(rating, self.window_department.get(rating.window, ""), due.isoformat())

    def _item(self, row: tuple[Any, ...], acts: list[tuple[Any, ...]]) -> Item:
        _key, day, ticket, at, score, service, window, staff, department = row
        item = self.fresh(Rating(day, ticket, at, score, service, window, staff))
        item.department = department
        for _key, a_at, by, action, dept, note in acts:
            entry = {"at": a_at, "day": self.day_of(a_at), "by": by, "action": action}
            entry |= {"note": note} if note else {}
            if action == Action.ASSIGN:
                item.department = entry["department"] = dept
            elif action == Action.HANDLE:
                item.status = Status.HANDLED
            elif action == Action.CLOSE:
                item.status, item.closed_at = Status.CLOSED, a_at
            item.actions.append(entry)
        return item

    # ------------------------------------------------------------------ act
    def act(self, key: str, action: str, by: str, now: float, **fields: Any) -> Item:
        """Assign, handle or close an item; FollowupRefused says why it cannot be done."""
        with self._lock:
            item = self.item(key)
            if item is None:
                raise FollowupRefused(f"no follow-up item {key}", "unknown", 404)
            dept, note = _check(item, action, fields, self.departments)
            with closing(self._connect()) as db:
                db.execute(
                    "INSERT INTO actions(key, at, by, action, department, note)"
                    " VALUES (?,?,?,?,?,?)",
                    (key, now, by, action, dept, note),
                )
        log.info("follow-up %s: %s by %s", key, action, by)
        found = self.item(key)
        assert found is not None
        return found


def _check(
    item: Item, action: str, fields: dict[str, Any], departments: set[str]
) -> tuple[str | None, str]:
    """The action's department and note, or FollowupRefused."""
    if action not in set(Action):
        raise FollowupRefused("action must be assign, handle or close")
    if item.status is Status.CLOSED:
        raise FollowupRefused("已办结，不能再修改 / already closed", "closed", 409)
    note = str(fields.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        raise FollowupRefused(f"note longer than {MAX_NOTE} characters")
    if action == Action.ASSIGN:
        dept = str(fields.get("department") or "")
        if dept not in departments:
            raise FollowupRefused(f"unknown department {dept!r}")
        return dept, note
    if action == Action.HANDLE and not note:
        raise FollowupRefused("写明整改情况 / a note saying what was done is required")
    if action == Action.CLOSE and item.status is not Status.HANDLED:
        raise FollowupRefused("请先填写整改情况 / handle it with a note first", "not_handled", 409)
    return None, note


def sync(f: Followups, store: Path | None, timezone: str) -> int:
    """Find the 差评 stored since the last look and add them as items; how many were new.
    Raises history.HistoryError when the store cannot be read."""
    from .history import day_events, rated_days_since, read_with
    from .stats import EVENT_KINDS, day_report

    def work(es: Any) -> tuple[list[Rating], int]:
        days, top = rated_days_since(es, f.cursor(), BAD_SCORES)
        found: list[Rating] = []
        for day in sorted(days):
            found += day_report(day_events(es, day, EVENT_KINDS), day, timezone).bad_ratings
        return found, top

    ratings, top = read_with(store, work)
    return f.add(ratings, top)


def for_config(cfg: Any, device_id: str = "board") -> Followups:
    """The board's follow-up file (beside its users file) with the hall's departments."""
    from hallq.config import BoardDevice
    from hallq.core.clock import HallClock

    dev = next((d for d in cfg.devices if d.id == device_id), None)
    board = dev if isinstance(dev, BoardDevice) else BoardDevice(id=device_id)
    layout = cfg.layout()
    clock = HallClock(layout.timezone, layout.day_start_min, layout.hours, layout.calendar)
    return Followups(
        cfg.resolve(board.users_file).with_name("board-followups.sqlite"),
        overdue_days=board.followup_days,
        window_department={w.id: w.department for w in cfg.windows},
        departments=[d.id for d in cfg.departments],
        is_working=working_days(layout.calendar),
        day_of=clock.business_day,
    )
