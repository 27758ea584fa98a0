"""The region's SQLite file (``[board] store``): the bookings and the halls' record each keep
their tables there, through a connection of their own opened on first use."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class RegionTables:
    """A connection to ``_path()`` in WAL mode with ``SCHEMA`` created (and ``PRAGMAS`` run),
    opened on first use of ``db`` and shared by the service's threads; ``_lock`` keeps one
    writer's steps together."""

    SCHEMA = ""
    PRAGMAS: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _path(self) -> str | Path:
        raise NotImplementedError

    def open(self) -> None:
        self._db = sqlite3.connect(self._path(), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        for pragma in self.PRAGMAS:
            self._db.execute(pragma)
        self._db.executescript(self.SCHEMA)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.open()
        assert self._db is not None
        return self._db
