"""One queue service per store and per hall: the lock on the store file.

Two services deciding at once would hand out the same numbers (issue 17 saw 20 issues answered
40 times). The store is guarded by an exclusive ``flock`` on ``<store>.lock`` held for the
whole life of the process: the kernel drops it when the process dies, also by ``kill -9``, so
a restart right after a crash is never refused. The file names the holder (pid, host) for the
refusal message and for ``hallq broker promote``. The hall-wide check over MQTT is
:mod:`broker.claim`.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from pathlib import Path
from typing import Any

from hallq.errors import HallqError

log = logging.getLogger(__name__)
EXIT_ALREADY_RUNNING = 3  # the CLI's exit code; the unit does not restart on it


class AlreadyRunning(HallqError, RuntimeError):
    """Another queue service holds this store or this hall; this one must not act."""


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".lock")


class StoreLock:
    """The exclusive lock on ``<store>.lock``; ``acquire()`` raises AlreadyRunning."""

    def __init__(self, store: str | Path, *, mode: str = "primary") -> None:
        self.path = lock_path(Path(store))
        self.mode = mode
        self._fd: int | None = None

    def acquire(self) -> StoreLock:
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(refusal(self.path, read_holder(self.path))) from None
        self._fd = fd
        self.write(mode=self.mode)
        return self

    def write(self, **fields: Any) -> None:
        """Record who holds the lock (pid, host, mode) in the file, for others to read."""
        if self._fd is None:
            return
        body = {"pid": os.getpid(), "host": socket.gethostname(), "mode": self.mode, **fields}
        self.mode = str(body["mode"])
        data = json.dumps(body).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    @property
    def is_held(self) -> bool:
        return self._fd is not None


def read_holder(path: Path) -> dict[str, Any]:
    """What the holder wrote into the lock file (empty when unreadable)."""
    try:
        body = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def refusal(path: Path, holder: dict[str, Any]) -> str:
    who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
    store = path.with_name(path.name.removesuffix(".lock"))
    return (
        f"另一个排队服务正在使用此数据库，本服务不启动 / another hallq broker ({who}, "
        f"{holder.get('mode', 'primary')}) is using the store {store}: this one refuses to "
        "start, since two services would hand out the same numbers. Stop the other one first "
        "(systemctl stop hallq-broker), or give this one its own store."
    )
