"""Test helper: one wall display in a subprocess (display_driver.py), read line by line."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).parent / "display_driver.py"
ROOT = Path(__file__).resolve().parents[2]
Event = dict[str, Any]


class DisplayProc:
    """Start a display; ``wait_for`` its reports; send it commands; ``close`` it."""

    def __init__(self, config: str, device: str, size: str, tmp: Path, *extra: str) -> None:
        env = {
            **os.environ,
            "KIVY_HOME": str(tmp / "kivy"),
            "KIVY_NO_ARGS": "1",
            "KIVY_NO_CONSOLELOG": "1",
            "SDL_VIDEODRIVER": "offscreen",
            "PYTHONPATH": str(ROOT),
        }
        self.stderr_path = tmp / f"display-{device}-{size}.stderr"
        self._err = self.stderr_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), config, device, size, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            text=True,
            env=env,
        )
        self.events: list[Event] = []
        self._q: queue.Queue[Event | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self._q.put(json.loads(line))
        self._q.put(None)

    def wait_for(self, kind: str, match: Callable[[Event], bool] = lambda e: True) -> Event:
        """The next report of ``kind`` that matches (the display has 60 s to produce it)."""
        while True:
            try:
                e = self._q.get(timeout=60)
            except queue.Empty:
                raise AssertionError(f"no {kind!r} report in 60 s; {self.tail()}") from None
            if e is None:
                raise AssertionError(f"display exited before {kind!r}; {self.tail()}")
            self.events.append(e)
            if e["event"] == kind and match(e):
                return e

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def shot(self, path: Path) -> Path:
        self.send(f"shot {path}")
        return Path(self.wait_for("shot")["path"])

    def said(self) -> list[Event]:
        return [e for e in self.events if e["event"] == "said"]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=20)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        while True:  # collect what was reported up to the end
            try:
                e = self._q.get(timeout=5)
            except queue.Empty:
                break
            if e is None:
                break
            self.events.append(e)
        self._err.close()

    def tail(self) -> str:
        return f"stderr:\n{self.stderr_path.read_text()[-3000:]}"

    def __enter__(self) -> DisplayProc:
        try:
            self.wait_for("ready")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
