"""上门服务: door-step requests (an agency desk visits a citizen who cannot come), recorded on
the board by managers.

Where they are kept, and why (docs/board.md, "帮办代办"): a request names a place — an
address is personal data — so it stays in the board's own file ``board-doorstep.sqlite``
(mode 0600, beside the users file) and is shown to logged-in managers only. It never goes over
MQTT (every device of the hall reads ``state/#`` and the region's bridge carries it), never
into the event store (replicated to the standby) and never into a log line: the log says a
request's number and who acted, nothing else.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import closing
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from hallq.errors import HallqError

log = logging.getLogger(__name__)
LIMITS = {"what": 100, "place": 200, "wanted": 40, "note": 300}  # characters
SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, by TEXT NOT NULL,
    what TEXT NOT NULL, place TEXT NOT NULL, wanted TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'open',
    closed_by TEXT, closed_at REAL
);
"""


class Status(StrEnum):
    OPEN = "open"  # 待上门
    DONE = "done"  # 已上门办理
    CANCELLED = "cancelled"  # 已取消


class DoorstepRefused(HallqError, ValueError):
    """A door-step request or action that is not allowed (empty place, too long, closed…)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Request:
    """One door-step request: what to do, where (personal data: managers only), when."""

    id: int
    at: float
    by: str
    what: str
    place: str
    wanted: str
    note: str
    status: Status
    closed_by: str | None
    closed_at: float | None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": str(self.status)}


class Doorsteps:
    """The board's file of door-step requests (one lock: the board is one process)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        self.path.chmod(0o600)  # addresses: only the board's user reads the file
        db.executescript(SCHEMA)
        return db

    def add(self, by: str, now: float, **fields: Any) -> Request:
        """Record a request; ``what`` and ``place`` are required."""
        clean = {k: str(fields.get(k) or "").strip() for k in LIMITS}
        for key, limit in LIMITS.items():
            if len(clean[key]) > limit:
                raise DoorstepRefused(f"{key}: at most {limit} characters / 最多 {limit} 字")
        if not clean["what"] or not clean["place"]:
            raise DoorstepRefused("what and place are required / 请填写事项和地址")
        with self._lock, closing(self._connect()) as db:
            cur = db.execute(
                "INSERT INTO requests (at, by, what, place, wanted, note) VALUES (?,?,?,?,?,?)",
                (now, by, clean["what"], clean["place"], clean["wanted"], clean["note"]),
            )
            found = self._get(db, int(cur.lastrowid or 0))
        log.info("door-step request %s recorded by %s", found.id, by)  # never the place
        return found

    def close(self, request_id: int, status: str, by: str, now: float) -> Request:
        """Mark a request done (上门办理了) or cancelled."""
        if status not in (Status.DONE, Status.CANCELLED):
            raise DoorstepRefused("status must be done or cancelled")
        with self._lock, closing(self._connect()) as db:
            if self._get(db, request_id).status is not Status.OPEN:
                raise DoorstepRefused(f"request {request_id} is already closed", 409)
            db.execute(
                "UPDATE requests SET status=?, closed_by=?, closed_at=? WHERE id=?",
                (status, by, now, request_id),
            )
            found = self._get(db, request_id)
        log.info("door-step request %s %s by %s", request_id, status, by)
        return found

    def items(self, since: float) -> list[Request]:
        """Open requests and those closed after ``since``, newest first."""
        with self._lock, closing(self._connect()) as db:
            rows = db.execute(
                "SELECT * FROM requests WHERE status='open' OR closed_at >= ? ORDER BY id DESC",
                (since,),
            ).fetchall()
        return [_request(r) for r in rows]

    def _get(self, db: sqlite3.Connection, request_id: int) -> Request:
        row = db.execute("SELECT * FROM requests WHERE id=?", (request_id,)).fetchone()
        if row is None:
            raise DoorstepRefused(f"no door-step request {request_id}", 404)
        return _request(row)


def _request(row: tuple[Any, ...]) -> Request:
    rid, at, by, what, place, wanted, note, status, closed_by, closed_at = row
    return Request(rid, at, by, what, place, wanted, note, Status(status), closed_by, closed_at)
