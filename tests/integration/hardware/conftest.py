"""Fixtures for hardware integration tests: socat pty pairs and fake devices behind them."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hw_helpers import HERE, FakeSerialPrinter, PtyPair, require_tool, wait_for


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
