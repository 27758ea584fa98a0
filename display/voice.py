"""Queued call announcements: one worker thread, so a burst never overlaps and nothing is dropped.

The announcer (hardware.voice.Announcer, or a fake) is "say this call, return when done". The
queue is unbounded on purpose: a burst of 20 calls takes minutes to read out twice, and every
citizen must hear their number; the order is the order the calls arrived in.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

from display.model import Announcement

log = logging.getLogger(__name__)


class Announcer(Protocol):
    """What the display needs from hardware.voice.Announcer."""

    def announce(self, ticket: str, window_name: str, recall: bool = False) -> object: ...


class AnnounceQueue:
    """Feeds announcements to one announcer, strictly one after another."""

    def __init__(self, announcer: Announcer) -> None:
        self.announcer = announcer
        self._q: queue.Queue[Announcement | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._unsaid = 0
        self._idle = threading.Event()
        self._idle.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish what is being said, drop nothing silently (pending count is logged)."""
        if self._thread is None:
            return
        pending = self._q.qsize()
        if pending:
            log.warning("stopping with %s announcements not yet read out", pending)
        self._q.put(None)
        self._thread.join(timeout)
        self._thread = None
        close = getattr(self.announcer, "close", None)  # hardware.voice.Announcer has one
        if close is not None:
            close(timeout)

    def put(self, a: Announcement) -> None:
        """Queue one announcement (any thread); returns at once."""
        with self._lock:
            self._unsaid += 1
            self._idle.clear()
        self._q.put(a)

    def wait_for_idle(self, timeout: float) -> bool:
        """Block until every queued announcement has been said (tests, shutdown)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            a = self._q.get()
            if a is None:
                return
            try:
                self.announcer.announce(a.ticket, a.window_name, recall=a.recall)
            except Exception:
                log.exception("announcing %s failed", a.ticket)
            with self._lock:
                self._unsaid -= 1
                if self._unsaid == 0:
                    self._idle.set()
