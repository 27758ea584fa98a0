"""Print results the service has not acknowledged yet, kept on disk until it answers.

A ``print_result`` that cannot be delivered (Mosquitto or the service down right then) must not
be lost: with ``ok=false`` it is what voids a ticket the citizen was told not to use. Each result
gets its own command id when it is created and is written to ``print_results.json`` in the
kiosk's state directory before it is sent. ``flush()`` sends the waiting results in order, each
with its own id on every try (the service answers an id once), and forgets a result when the
service answers ok or refuses it for good (``bad_state``: already called or cancelled;
``unknown_ticket``: another day). A transport failure stops the flush; the next one resumes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import msgspec

from hallq.client import CommandClient, Offline, Refused, ReplyTimeout
from hallq.contract import OkReply
from hallq.core.errors import ErrorCode

log = logging.getLogger(__name__)
FILE_NAME = "print_results.json"
SEND_TIMEOUT_S = 3.0
SEND_RETRIES = 1  # per flush; the next flush (reconnect, service back, next result) tries again
RETRY_LATER = frozenset({ErrorCode.INTERNAL})  # the service could not save it: send again
EXPECTED_FINAL = frozenset({ErrorCode.BAD_STATE, ErrorCode.UNKNOWN_TICKET})


class Commands(Protocol):
    """What the kiosk needs of :class:`~hallq.client.CommandClient`: the op's typed ok reply,
    or Offline / ReplyTimeout / Refused."""

    def send(self, op: str, **fields: Any) -> OkReply: ...


class PrintReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One ``print_result`` waiting for the service's answer."""

    id: str
    ticket: str
    ok: bool
    reason: str = ""
    created_at: float = 0.0


class OutboxFile(msgspec.Struct, forbid_unknown_fields=True):
    version: int
    results: list[PrintReport]


def default_state_dir(device_id: str, env: dict[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/hallq/<device>``, else ``~/.local/state/hallq/<device>``."""
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "hallq" / device_id


class PrintOutbox:
    """Waiting print results, in order; persisted to ``path`` (None: memory only, for tests).

    Subclasses keep other commands the same way (``kiosk.offline.OfflineIssues``): their file
    name, file struct, what they call an item in the log, and ``_send``."""

    FILE = FILE_NAME
    file_type: Any = OutboxFile
    what = "print result"

    def __init__(
        self,
        commands: Commands,
        path: Path | None = None,
        *,
        new_id: Callable[[], str] = CommandClient.new_id,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.commands, self.path, self.new_id, self.clock = commands, path, new_id, clock
        self._items: list[Any] = []
        self._lock = threading.Lock()  # the list and the file
        self._flush_lock = threading.Lock()  # one flush at a time, so nothing is sent twice

    @classmethod
    def open(cls, commands: Commands, state_dir: Path, **kw: Any) -> PrintOutbox:
        """The outbox in ``state_dir``, with what a previous run left undelivered."""
        box = cls(commands, Path(state_dir) / cls.FILE, **kw)
        box.load()
        return box

    @property
    def pending(self) -> list[Any]:
        with self._lock:
            return list(self._items)

    def load(self) -> None:
        """Read the file; a corrupt one is moved aside (with a warning) and the box starts empty."""
        if self.path is None or not self.path.exists():
            return
        try:
            data = msgspec.json.decode(self.path.read_bytes(), type=self.file_type)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
            self._move_aside(exc)
            return
        with self._lock:
            self._items = list(data.results)
        if data.results:
            log.info("%d %s(s) from before the restart to deliver", len(data.results), self.what)

    def add(self, ticket: str, ok: bool, reason: str = "") -> PrintReport:
        """Keep a new result (on disk first); send it with ``flush()``."""
        report = PrintReport(self.new_id(), ticket, ok, reason[:200], self.clock())
        with self._lock:
            self._items.append(report)
            self._save()
        return report

    def flush(self, *, wait: bool = True) -> int:
        """Send the waiting results in order; returns how many still wait.

        ``wait=False`` returns at once when another flush is running (it sends them anyway)."""
        if not self._flush_lock.acquire(blocking=wait):
            return len(self.pending)
        try:
            while (head := self._head()) is not None and self._deliver(head):
                self._drop(head)
            return len(self.pending)
        finally:
            self._flush_lock.release()

    def _head(self) -> Any:
        with self._lock:
            return self._items[0] if self._items else None

    def _send(self, r: PrintReport) -> None:
        self.commands.send(
            "print_result",
            cmd_id=r.id,
            ticket=r.ticket,
            ok=r.ok,
            reason=r.reason,
            timeout=SEND_TIMEOUT_S,
            retries=SEND_RETRIES,
        )

    def _deliver(self, r: Any) -> bool:
        """True when the service is done with ``r`` (answered ok or refused it for good)."""
        try:
            self._send(r)
        except (Offline, ReplyTimeout) as exc:
            log.warning("%s for %s not delivered yet (%s); kept", self.what, r.ticket, exc)
            return False
        except Refused as exc:
            return self._refused(r, exc)
        return True

    def _refused(self, r: Any, exc: Refused) -> bool:
        code = exc.reply.error
        if code in RETRY_LATER:
            log.warning("service could not take %s for %s (%s); kept", self.what, r.ticket, exc)
            return False
        level = logging.WARNING if code in EXPECTED_FINAL else logging.ERROR
        log.log(
            level,
            "%s for %s dropped: service refused it with %s (%s)",
            self.what,
            r.ticket,
            code,
            exc,
        )
        return True

    def _drop(self, r: Any) -> None:
        with self._lock:
            self._items = [i for i in self._items if i.id != r.id]
            self._save()

    # ------------------------------------------------------------ file (caller holds _lock)
    def _save(self) -> None:
        if self.path is None:
            return
        data = msgspec.json.encode(self.file_type(version=1, results=self._items))
        try:
            _write_atomic(self.path, data)
        except OSError:
            log.exception("print results not saved to %s; kept in memory only", self.path)

    def _move_aside(self, exc: Exception) -> None:
        assert self.path is not None
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(self.clock())}")
        log.warning("unreadable print results file %s (%s); moved to %s", self.path, exc, aside)
        try:
            os.replace(self.path, aside)
        except OSError:
            log.exception("could not move %s aside", self.path)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so a crash leaves either the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
