"""The service's eye on its store: refuse while it cannot be written, report its health, keep
the WAL small.

``refusal()`` runs before every batch (a stat and an access() per file): while the store is
gone or unwritable, nothing is decided and every command is answered ``internal`` with the
reason, so no citizen holds a ticket the store does not have. ``tick()`` runs from the service's
timer: every few seconds it looks at the store's health (statvfs too), logs a change loudly and
hands it to ``report`` (the service's presence, read by the board); after a quiet minute it
empties the WAL (``wal_checkpoint(TRUNCATE)``). ``keep_wal_small()`` runs from the same timer
outside the service's lock: past 1 MB of WAL, a passive checkpoint on its own connection, in
a pause between batches (CHECKPOINT_PAUSE_S; always past WAL_HARD).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from hallq.contract import StoreHealth, StoreStatus, to_builtins
from hallq.store import EventStore, StoreError

log = logging.getLogger(__name__)
HEALTH_S = 5.0  # seconds between two looks at the store's health
QUIET_S = 60.0  # no batch for this long: a quiet moment to truncate the WAL
# the WAL's checkpoint waits for a pause this long between batches (its writes and fsync of
# the database file would slow a burst's commits 2-10x) unless the WAL passes WAL_HARD
CHECKPOINT_PAUSE_S = 0.3
WAL_HARD = 8 * 2**20


class StoreWatch:
    """Store health for one service; ``report(payload)`` publishes a changed health."""

    def __init__(
        self,
        store: EventStore,
        report: Callable[[dict[str, Any]], None],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.report, self.monotonic = store, report, monotonic
        self.health: StoreHealth | None = None
        self._looked_at = float("-inf")
        self._busy_at = monotonic()

    def verify_later(self) -> threading.Thread:
        """The whole-file integrity check, off the start-up path (a background thread);
        damage found is logged at once and reported with the next health look."""

        def check() -> None:
            started = time.perf_counter()
            damage = self.store.verify()
            took = time.perf_counter() - started
            if damage is None:
                log.info("event store integrity check passed in %.2f s", took)
            else:
                log.critical("EVENT STORE DAMAGED (the hall serves on; restore it): %s", damage)
                self._looked_at = float("-inf")  # report at the next tick

        thread = threading.Thread(target=check, name="store-verify", daemon=True)
        thread.start()
        return thread

    def refusal(self) -> StoreError | None:
        """Why a batch must be refused unseen right now, or None: the store can be written."""
        self._busy_at = self.monotonic()
        try:
            self.store.check()
        except StoreError as exc:
            self.look()  # the board hears of it now, not in a few seconds
            return exc
        return None

    def tick(self) -> None:
        """Called every second or so: health every HEALTH_S, WAL truncation when quiet."""
        now = self.monotonic()
        if now - self._looked_at < HEALTH_S:
            return
        health = self.look()
        quiet = now - self._busy_at >= QUIET_S
        writable = health.status in (StoreStatus.OK, StoreStatus.DISK_LOW)
        if quiet and writable and self.store.wal_bytes() > 0:
            self.store.checkpoint(truncate=True)

    def keep_wal_small(self) -> None:
        """The WAL's checkpoint beside the writer (the service's timer, NOT under its lock:
        a burst of commands is never held up by it); only while the store is writable."""
        if self.health is not None and self.health.status not in (
            StoreStatus.OK,
            StoreStatus.DISK_LOW,
        ):
            return
        if (
            self.monotonic() - self._busy_at < CHECKPOINT_PAUSE_S
            and self.store.wal_bytes() < WAL_HARD
        ):
            return  # commands are coming: the next pause
        try:
            self.store.keep_wal_small()
        except StoreError as exc:
            log.warning("WAL checkpoint failed (retried next tick): %s", exc)

    def look(self) -> StoreHealth:
        """Take the store's health now; log and report it if it changed."""
        self._looked_at = self.monotonic()
        health = self.store.health()
        if self.health is None or health.status is not self.health.status:
            _log_change(health)
            self.report(to_builtins(health))
        self.health = health
        return health


def _log_change(health: StoreHealth) -> None:
    if health.status is StoreStatus.OK:
        log.info("event store ok (%s MB free)", health.free_mb)
    elif health.status is StoreStatus.DISK_LOW:
        log.warning("event store: %s", health.message)
    else:
        log.critical("EVENT STORE UNUSABLE, every command is refused: %s", health.message)
