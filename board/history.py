"""The event history, read from the broker's SQLite store without ever writing to it.

The board may run beside a busy broker: it opens the database read-only (URI ``mode=ro``),
so it can never lock the writer out for long nor change a byte. The queries are the broker's
own (:class:`hallq.store.EventStore`), so the ticket pages replay exactly what the broker
replays at start-up.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from hallq.core.model import Event
from hallq.errors import HallqError
from hallq.store import EventStore


class HistoryError(HallqError, OSError):
    """The event store cannot be read."""


class _ReadOnlyStore(EventStore):
    """The broker's store opened ``mode=ro``: its reads, none of its writes or schema set-up."""

    def open(self) -> _ReadOnlyStore:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)
        return self


def store_path(cfg: Any) -> Path | None:
    """The broker's database file named in the hall config, or None without a broker device."""
    broker = next((d for d in cfg.devices if d.role == "broker"), None)
    return cfg.resolve(broker.store) if broker is not None else None


T = TypeVar("T")


@contextmanager
def _snapshot(path: Path | None) -> Iterator[EventStore]:
    """The store at ``path`` opened read-only, inside one read transaction."""
    if path is None:
        raise HistoryError("the hall config has no broker device, so no event store")
    if not path.exists():
        raise HistoryError(f"{path}: no event store (has the broker service run here?)")
    try:
        with closing(_ReadOnlyStore(path).open()) as store:
            store.db.execute("BEGIN")  # several queries see the same moment
            yield store
    except sqlite3.Error as exc:
        raise HistoryError(f"{path}: cannot read events ({exc})") from exc


def read_with(path: Path | None, work: Callable[[EventStore], T]) -> T:
    """``work(store)`` on one consistent read-only snapshot (it may stream many days)."""
    with _snapshot(path) as store:
        return work(store)


def _read(path: Path | None, query: Callable[[EventStore], Iterable[Event]]) -> list[Event]:
    """``query``'s events from one consistent snapshot of the store at ``path``."""
    return read_with(path, lambda store: list(query(store)))


def read_events(path: Path | None, day: str) -> list[Event]:
    """Every stored event of one business day, in order."""
    return _read(path, lambda store: store.events(day=day))


def read_replay(path: Path | None) -> list[Event]:
    """What rebuilds the broker's current state (``EventStore.replay_events``): settings that
    outlive a day, then every event since the last ``day_started``."""
    return _read(path, EventStore.replay_events)


def rated_days_since(
    store: EventStore, since_seq: int, scores: Iterable[int]
) -> tuple[set[str], int]:
    """The business days with a rating of one of ``scores`` stored after row ``since_seq``,
    and the last row looked at (through the store's ``events_kind`` index)."""
    wanted, days, last = set(scores), set(), since_seq
    rows = store.db.execute(
        "SELECT seq, day, data FROM events WHERE kind = 'ticket_rated' AND seq > ? ORDER BY seq",
        (since_seq,),
    )
    for seq, day, data in rows:
        last = seq
        if json.loads(data).get("score") in wanted:
            days.add(day)
    top = store.db.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    return days, max(last, top or 0)


def day_events(store: EventStore, day: str, kinds: Iterable[str]) -> Iterator[Event]:
    """One business day's events of these kinds only, in order (a report skips the rest
    without decoding them)."""
    wanted = sorted(kinds)
    marks = ",".join("?" * len(wanted))
    rows = store.db.execute(
        f"SELECT at, kind, data FROM events WHERE day = ? AND kind IN ({marks}) ORDER BY seq",
        (day, *wanted),
    )
    for at, kind, data in rows:
        yield Event(kind, at, json.loads(data))
