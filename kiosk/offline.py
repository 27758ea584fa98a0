"""Issuing while the service is unreachable (docs/kiosk.md, "Offline issuing").

:class:`LeaseBook` keeps the number blocks the service leased to this kiosk for one business
day, and which of them the kiosk printed (``leases.json`` in the state dir). A number is marked
used on disk before it is printed, so a crash, a restart or a second tap can never print it
twice. :class:`OfflineIssues` keeps each ticket printed offline (``offline_issues.json``) until
the service has taken its ``issue_offline``, in issue order, like the print-result outbox.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import msgspec

from hallq.contract import LeaseBlock, LeaseOk

from .outbox import SEND_RETRIES, SEND_TIMEOUT_S, PrintOutbox, _write_atomic

log = logging.getLogger(__name__)
LEASE_FILE = "leases.json"
LEASE_COUNT = 10  # numbers held per prefix: ~10 tickets per service while cut off
REFILL_BELOW = 5  # ask for more when fewer than this are left for a prefix


class LeaseFile(msgspec.Struct, forbid_unknown_fields=True):
    version: int
    day: str
    blocks: list[LeaseBlock]
    used: list[str]


class LeaseBook:
    """The numbers this kiosk may print offline today (thread-safe; on disk if ``path``)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.day = ""
        self.blocks: list[LeaseBlock] = []
        self.used: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, state_dir: Path) -> LeaseBook:
        book = cls(Path(state_dir) / LEASE_FILE)
        book.load()
        return book

    def load(self) -> None:
        """Read the file; an unreadable one is ignored with a warning (its numbers are never
        handed out again: the service took them from the counter)."""
        if self.path is None or not self.path.exists():
            return
        try:
            data = msgspec.json.decode(self.path.read_bytes(), type=LeaseFile)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning(
                "unreadable lease file %s (%s): no offline numbers until the "
                "service leases new ones",
                self.path,
                exc,
            )
            return
        self.day, self.blocks, self.used = data.day, list(data.blocks), set(data.used)

    def update(self, lease: LeaseOk) -> None:
        """The service's word on this kiosk's blocks (numbers without a ticket yet); the
        numbers printed offline stay used. A new day forgets the old day's numbers."""
        with self._lock:
            if lease.day != self.day:
                self.used = set()
            self.day, self.blocks = lease.day, list(lease.blocks)
            self._save()

    def available(self, prefix: str, day: str) -> int:
        with self._lock:
            return len(self._free(prefix, day))

    def counts(self, day: str) -> dict[str, int]:
        """Prefix -> numbers left today (a past day's lease counts nothing)."""
        with self._lock:
            return {b.prefix: len(self._free(b.prefix, day)) for b in self.blocks}

    def take(self, prefix: str, day: str) -> str | None:
        """The next free number of ``prefix`` for ``day``, marked used ON DISK before it is
        returned; None when there is none (another day's lease, or all used)."""
        with self._lock:
            free = self._free(prefix, day)
            if not free:
                return None
            self.used.add(free[0])
            if not self._save():
                self.used.discard(free[0])  # not on disk: a restart could print it again
                return None
            return free[0]

    def _free(self, prefix: str, day: str) -> list[str]:
        if day != self.day:
            return []  # leases end with their business day
        return [
            f"{prefix}{seq:03d}"
            for b in self.blocks
            if b.prefix == prefix
            for seq in range(b.first, b.last + 1)
            if f"{prefix}{seq:03d}" not in self.used
        ]

    def _save(self) -> bool:
        if self.path is None:
            return True
        data = LeaseFile(1, self.day, self.blocks, sorted(self.used))
        try:
            _write_atomic(self.path, msgspec.json.encode(data))
        except OSError:
            log.exception("lease file %s not saved", self.path)
            return False
        return True


class OfflineIssue(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One ticket printed offline, waiting for the service to take its ``issue_offline``."""

    id: str
    ticket: str
    service: str
    issued_at: float
    day: str
    priority: str | None = None
    created_at: float = 0.0


class OfflineFile(msgspec.Struct, forbid_unknown_fields=True):
    version: int
    results: list[OfflineIssue]


class OfflineIssues(PrintOutbox):
    """Tickets printed offline, on disk until the service has them, sent in issue order.

    A refusal is final: ``not_leased`` (the lease's day is over, or the number is not this
    kiosk's) is logged as an error: that citizen's ticket is not in any queue."""

    FILE = "offline_issues.json"
    file_type = OfflineFile
    what = "offline ticket"

    def add_issue(
        self, ticket: str, service: str, issued_at: float, day: str, priority: str | None
    ) -> OfflineIssue:
        """Keep a printed offline ticket (on disk first); send it with ``flush()``."""
        item = OfflineIssue(self.new_id(), ticket, service, issued_at, day, priority, self.clock())
        with self._lock:
            self._items.append(item)
            self._save()
        return item

    def _send(self, r: Any) -> None:
        fields: dict[str, Any] = {"priority": r.priority} if r.priority else {}
        self.commands.send(
            "issue_offline",
            cmd_id=r.id,
            service=r.service,
            ticket=r.ticket,
            issued_at=r.issued_at,
            day=r.day,
            timeout=SEND_TIMEOUT_S,
            retries=SEND_RETRIES,
            **fields,
        )
