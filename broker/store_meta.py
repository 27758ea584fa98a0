"""Small facts about a store that are not events: the fencing epoch and the store's role.

Kept in a ``meta(key, value)`` table of the same SQLite file, written with the same
``synchronous=FULL`` durability. The epoch counts promotions: a standby promoted to primary
writes epoch + 1 here before it acts, and every state message and the hall's lock carry it
(docs/deploy.md, "Primary and standby").
"""

from __future__ import annotations

import sqlite3
from typing import Any

SCHEMA = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
EPOCH = "epoch"
ROLE = "role"  # "primary" (the default) or "standby"; a promoted standby becomes "primary"


def _db(store: Any) -> sqlite3.Connection:
    db: sqlite3.Connection = store.db
    db.execute(SCHEMA)
    return db


def get(store: Any, key: str, default: str = "") -> str:
    row = _db(store).execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else str(row[0])


def put(store: Any, **values: str | int) -> None:
    """Write ``key=value`` pairs in one transaction (durable when this returns)."""
    db = _db(store)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [(k, str(v)) for k, v in values.items()],
        )
        db.execute("COMMIT")
    except sqlite3.Error:
        db.execute("ROLLBACK")
        raise


def epoch(store: Any) -> int:
    value = get(store, EPOCH, "0")
    return int(value) if value.isdigit() else 0


def role(store: Any) -> str:
    return get(store, ROLE, "primary")


def read_epoch_file(path: str) -> int:
    """The epoch of a store file, read on a read-only connection (``hallq broker promote``
    waits for it to grow while the service holds the store)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (EPOCH,)).fetchone()
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()
    return int(row[0]) if row is not None and str(row[0]).isdigit() else 0
