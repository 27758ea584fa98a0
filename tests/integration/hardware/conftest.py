"""Fixtures for hardware integration tests: socat pty pairs and fake devices behind them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
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


@pytest.fixture
def pty_pair(tmp_path: Path) -> Iterator[PtyPair]:
    socat = require_tool("socat")
    a, b = tmp_path / "ttyA", tmp_path / "ttyB"
    proc = subprocess.Popen(
        [socat, "-d", "-d", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: a.exists() and b.exists())
        yield PtyPair(str(a), str(b))
    finally:
        proc.terminate()
        proc.wait(timeout=5)


@dataclass
class FakeSerialPrinter:
    device: str
    mode_file: Path
    out_file: Path

    def set_mode(self, mode: str) -> None:
        self.mode_file.write_text(mode)

    def received(self) -> bytes:
        return self.out_file.read_bytes() if self.out_file.exists() else b""


@pytest.fixture
def serial_printer(pty_pair: PtyPair, tmp_path: Path) -> Iterator[FakeSerialPrinter]:
    fake = FakeSerialPrinter(pty_pair.ours, tmp_path / "mode", tmp_path / "out.bin")
    fake.set_mode("ok")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "hw_fake_printer.py"),
            pty_pair.theirs,
            str(fake.mode_file),
            str(fake.out_file),
        ]
    )
    try:
        time.sleep(0.2)  # let it open its end before we write
        yield fake
    finally:
        proc.terminate()
        proc.wait(timeout=5)
