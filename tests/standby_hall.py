"""A hall with a primary and a standby queue service, each a real `hallq broker` process.

Used by tests/integration/test_standby.py and benchmarks/bench_standby.py (importable as
``from standby_hall import ...``: tests/ is on sys.path).
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from app.localmqtt import private_hall
from hallq.client import CommandClient, CommandError
from hallq.config import HallConfig, load_config

ROOT = Path(__file__).resolve().parent.parent
STANDBY = "hallq-b"


def with_standby(src: Path, out: Path, **kw: Any) -> HallConfig:
    """A private copy of a hall config with a second broker device ``hallq-b`` (own store)."""
    cfg = private_hall(src, out, always_open=True, **kw)
    path = Path(cfg.source)
    text = path.read_text(encoding="utf-8")
    text += f'\n[[devices]]\nid = "{STANDBY}"\nrole = "broker"\nstore = "{out / "standby.db"}"\n'
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def broker_process(cfg: HallConfig, *args: str, log: Path | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "app.cli"]
    if log is not None:
        cmd += ["--log-file", str(log)]
    return subprocess.Popen(
        [*cmd, "broker", "--config", str(cfg.source), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_online(client: CommandClient, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client.send("status", timeout=0.5, retries=0)
            return
        except CommandError:
            time.sleep(0.1)
    raise AssertionError("no queue service answered")


def send_until_answered(client: CommandClient, op: str, deadline_s: float = 30, **fields: Any):
    """One command, retried with the SAME id until a reply (across a failover)."""
    cmd_id = uuid.uuid4().hex[:16]
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            return client.send(op, cmd_id=cmd_id, timeout=0.7, retries=0, **fields)
        except CommandError as exc:
            if getattr(exc, "reply", None) is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
