"""File-system faults for the store tests, each undone in ``finally`` (needs root, as CI runs).

``immutable(files)`` is ``chattr +i``; ``read_only(folder)`` bind-mounts a folder read-only onto
itself; ``small_disk(folder, kb)`` mounts a tiny tmpfs there and ``fill(folder)`` fills it.
Imported as ``from fsfaults import ...`` (tests/ is on sys.path).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _unmount(folder: Path) -> None:
    """Unmount; lazily if something still holds a file there (never leave a mount behind)."""
    try:
        _run("umount", str(folder))
    except subprocess.CalledProcessError:
        _run("umount", "-l", str(folder))


@contextmanager
def immutable(files: Sequence[Path]) -> Iterator[None]:
    """``chattr +i`` on ``files``; written-back pages so that SQLite's next write to its -shm
    mapping faults as it would minutes later in a real hall."""
    names = [str(f) for f in files]
    _run("chattr", "+i", *names)
    try:
        os.sync()
        yield
    finally:
        _run("chattr", "-i", *names)


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` reached through a read-only bind mount of itself (a read-only remount)."""
    _run("mount", "--bind", "-o", "ro", str(folder), str(folder))
    try:
        yield
    finally:
        _unmount(folder)


@contextmanager
def small_disk(folder: Path, kb: int = 512) -> Iterator[Path]:
    """A tmpfs of ``kb`` KB mounted on ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _unmount(folder)


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until its disk is full; returns it (delete it to free)."""
    ballast = folder / "ballast"
    with open(ballast, "wb", buffering=0) as f:
        try:
            while f.write(b"\0" * 4096):
                pass
        except OSError:
            pass  # ENOSPC: full
    return ballast
