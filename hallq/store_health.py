"""Is the event store still there and writable? Cheap checks and a plain-words diagnosis.

The service must never acknowledge a command it could not keep. A store file that was deleted
(the service would go on writing into the deleted inode, lost at the next restart), a disk that
is full, a read-only file system, or a file made immutable (``chattr +i``: SQLite's ``-shm``
mapping then kills the process with SIGBUS on its next write) are told apart here, from the
file's identity (st_dev, st_ino), ``access(W_OK)``, ``statvfs`` and SQLite's error code, so the
log, the reply and the board can say what is wrong instead of "internal" or "corrupt".
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from hallq.contract import StoreStatus

LOW_DISK_MB = 200  # free space on the store's file system below which the board warns
LOW_DISK_FRACTION = 0.05  # ... or below this share of the file system
FULL_DISK_MB = 1  # less than this is a full disk: the next commit would fail
_SQLITE_FULL, _SQLITE_CORRUPT, _SQLITE_NOTADB = 13, 11, 26


EXPLAIN = {
    StoreStatus.DISK_LOW: "disk space low",
    StoreStatus.DISK_FULL: "disk full",
    StoreStatus.READ_ONLY: "read-only file system",
    StoreStatus.UNWRITABLE: "permission denied or file immutable (chattr +i)",
    StoreStatus.MISSING: "the store file is gone (deleted or replaced while running)",
    StoreStatus.CORRUPT: "the database is damaged",
}


def companions(path: Path) -> list[Path]:
    """The database file and its WAL-mode companions that exist now."""
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return [f for f in files if f.exists()]


def free_mb(path: Path) -> int | None:
    """Free space (for unprivileged users) on the file system holding ``path``."""
    try:
        st = os.statvfs(path if path.exists() else path.parent)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize // 2**20


def disk_status(path: Path, low_mb: int = LOW_DISK_MB) -> StoreStatus:
    """OK, DISK_LOW or DISK_FULL from statvfs of the store's file system."""
    try:
        st = os.statvfs(path if path.exists() else path.parent)
    except OSError:
        return StoreStatus.OK  # cannot tell: the write path reports real failures
    free = st.f_bavail * st.f_frsize
    if free < FULL_DISK_MB * 2**20:
        return StoreStatus.DISK_FULL
    if free < low_mb * 2**20 or free < LOW_DISK_FRACTION * st.f_blocks * st.f_frsize:
        return StoreStatus.DISK_LOW
    return StoreStatus.OK


def write_problem(path: Path) -> StoreStatus | None:
    """READ_ONLY or UNWRITABLE if the store's files (or, before they exist, its folder) cannot
    be written; None if they can. Uses access(), never open(): closing another descriptor
    of the database would drop SQLite's POSIX locks."""
    for f in companions(path) or [path.parent]:
        if os.access(f, os.W_OK):
            continue
        try:
            read_only = bool(os.statvfs(f).f_flag & os.ST_RDONLY)
        except OSError:
            read_only = False
        return StoreStatus.READ_ONLY if read_only else StoreStatus.UNWRITABLE
    return None


def diagnose(path: Path, exc: sqlite3.Error, *, opened: bool) -> StoreStatus | None:
    """Why SQLite failed on the store at ``path``, or None when no cause can be named.

    SQLite's own code first (full, damaged), then what the file system says. ``opened``:
    the store was open before, so a missing file means it was deleted under us."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_FULL:
        return StoreStatus.DISK_FULL
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StoreStatus.CORRUPT
    if opened and not path.exists():
        return StoreStatus.MISSING
    problem = write_problem(path)
    if problem is not None:
        return problem
    if disk_status(path) is StoreStatus.DISK_FULL:
        return StoreStatus.DISK_FULL
    return None
