"""Today's engine state for the ticket pages, rebuilt from the broker's store (read-only).

A crowd of phones refreshing every 10 s must not mean a replay each: the rebuilt engine is
kept for ``max_age_s`` (2 s), and one lock makes concurrent requests wait for the one replay
in progress instead of starting their own. The board never writes to the store
(:func:`board.history.read_replay` opens it ``mode=ro``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hallq.core.engine import Engine
from hallq.core.model import Layout
from hallq.core.replay import numbered, replay

from .history import HistoryError, read_replay
from .ticket_status import parse_number, ticket_status

log = logging.getLogger(__name__)


class TicketSource:
    """Answers "what is ticket X doing" from a cached replay of the broker's store."""

    def __init__(
        self,
        layout: Layout,
        store: Path | None,
        *,
        max_age_s: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.layout, self.store, self.max_age_s = layout, store, max_age_s
        self.monotonic = monotonic
        self.prefixes = {s.prefix for s in layout.services.values()}
        self.replays = 0  # how many times the store was read (tests, logs)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._built = -float("inf")

    def engine(self, now: float) -> Engine | None:
        """Today's state, at most ``max_age_s`` old; None (logged) while the store cannot be
        read, so no page says "not issued today" about a ticket it simply cannot see."""
        with self._lock:
            if self.monotonic() - self._built >= self.max_age_s:
                self._engine = self._replay(now)
                self._built = self.monotonic()
            return self._engine

    def _replay(self, now: float) -> Engine | None:
        engine = Engine(self.layout)
        self.replays += 1
        try:
            events = read_replay(self.store)
        except HistoryError as exc:
            log.warning("ticket pages: %s", exc)
            return None
        _applied, faults = replay(engine, numbered(events))  # a bad row is skipped, not a 500
        if faults:
            log.warning("ticket pages: %d stored events skipped (%s)", len(faults), faults[0])
        engine.apply_all(engine.tick(now))  # a new business day the broker has not begun yet
        return engine

    def status(self, number: str, now: float) -> dict[str, Any] | None:
        """The ticket's status dict (state "unavailable" while the store cannot be read), or
        None when ``number`` cannot be one of this hall's."""
        canonical = parse_number(number, self.prefixes)
        if canonical is None:
            return None
        engine = self.engine(now)
        if engine is None:
            return {"ticket": canonical, "state": "unavailable"}
        return ticket_status(engine, canonical, now)
