"""Helpers for hardware integration tests (a unique module name, unlike conftest)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def require_tool(name: str) -> str:
    """Fail loudly (not skip) when a tool CI is supposed to install is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install {name}", pytrace=False)
    return path


def wait_for(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


@dataclass
class PtyPair:
    ours: str  # the end our code opens (the "/dev/ttyUSB0" side)
    theirs: str  # the end the fake device opens


@dataclass
class FakeSerialPrinter:
    device: str
    mode_file: Path
    out_file: Path

    def set_mode(self, mode: str) -> None:
        self.mode_file.write_text(mode)

    def received(self) -> bytes:
        return self.out_file.read_bytes() if self.out_file.exists() else b""
