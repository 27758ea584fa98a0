"""The event history, read from the broker's SQLite store without ever writing to it.

The board may run beside a busy broker: it opens the database read-only (URI ``mode=ro``),
so it can never lock the writer out for long nor change a byte. The table is the store's
``events(seq, day, at, kind, data)`` (broker/store.py).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from hallq.core.apply import PERSISTENT_KINDS
from hallq.core.model import Event
from hallq.errors import HallqError


class HistoryError(HallqError, OSError):
    """The event store cannot be read."""


def store_path(cfg: Any) -> Path | None:
    """The broker's database file named in the hall config, or None without a broker device."""
    broker = next((d for d in cfg.devices if d.role == "broker"), None)
    return cfg.resolve(broker.store) if broker is not None else None


def read_events(path: Path, day: str) -> list[Event]:
    """Every stored event of one business day, in order."""
    if not path.exists():
        raise HistoryError(f"{path}: no event store (has the broker service run here?)")
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
            rows = db.execute(
                "SELECT at, kind, data FROM events WHERE day = ? ORDER BY seq", (day,)
            ).fetchall()
    except sqlite3.Error as exc:
        raise HistoryError(f"{path}: cannot read events ({exc})") from exc
    return [Event(kind, at, json.loads(data)) for at, kind, data in rows]


def read_replay(path: Path) -> list[Event]:
    """What rebuilds the broker's current state (broker/store.py ``replay_events``): settings
    that outlive a day, then every event since the last ``day_started``."""
    if not path.exists():
        raise HistoryError(f"{path}: no event store (has the broker service run here?)")
    marks = ",".join("?" * len(PERSISTENT_KINDS))
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT MAX(seq) FROM events WHERE kind = 'day_started'").fetchone()
            start = row[0] or 0
            rows = db.execute(
                f"SELECT at, kind, data FROM events WHERE (seq < ? AND kind IN ({marks}))"
                " OR seq >= ? ORDER BY seq",
                (start, *sorted(PERSISTENT_KINDS), start),
            ).fetchall()
    except sqlite3.Error as exc:
        raise HistoryError(f"{path}: cannot read events ({exc})") from exc
    return [Event(kind, at, json.loads(data)) for at, kind, data in rows]
