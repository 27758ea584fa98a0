"""A hall with a primary and a standby queue service, each a real `hallq broker` process.

Used by tests/integration/test_standby.py, test_failover.py and benchmarks/bench_standby.py
(importable as ``from standby_hall import ...``: tests/ is on sys.path); the processes run
with live_hall's ``broker_process``.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from live_hall import ROOT

from app.localmqtt import private_hall
from broker.store_meta import read_epoch_file
from hallq.client import CommandClient, CommandError
from hallq.config import HallConfig, load_config
from hallq.store import EventStore

STANDBY = "hallq-b"


def with_standby(src: Path, out: Path, **kw: Any) -> HallConfig:
    """A private copy of a hall config with a second broker device ``hallq-b`` (own store)."""
    cfg = private_hall(src, out, always_open=True, **kw)
    path = Path(cfg.source)
    text = path.read_text(encoding="utf-8")
    text += f'\n[[devices]]\nid = "{STANDBY}"\nrole = "broker"\nstore = "{out / "standby.db"}"\n'
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def promote(cfg: HallConfig) -> float:
    """``hallq broker promote`` for the standby; returns how long the command took."""
    cmd = [sys.executable, "-m", "app.cli", "broker", "promote", "--config", str(cfg.source)]
    t0 = time.perf_counter()
    done = subprocess.run(
        [*cmd, "--id", STANDBY], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "promoted" in done.stdout
    return time.perf_counter() - t0


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


def issued_tickets(store_path: Path) -> list[str]:
    store = EventStore(store_path).open()
    try:
        return [e.data["ticket"] for e in store.events() if e.kind == "ticket_issued"]
    finally:
        store.close()


def check_store_and_displays(cfg, acked_issue, acked_calls, windows) -> None:
    """What the promoted standby holds: every acknowledged ticket and call, no number issued
    or called twice, and each window's last call on the display, at epoch 1."""
    store_path = cfg.resolve(cfg.device(STANDBY).store)
    assert read_epoch_file(str(store_path)) == 1
    issued = issued_tickets(store_path)
    assert set(acked_issue) <= set(issued), "an acknowledged ticket was lost"
    assert not [t for t, n in Counter(issued).items() if n > 1], "a number was issued twice"
    store = EventStore(store_path).open()
    calls = [
        (e.data["window"], e.data["ticket"]) for e in store.events() if e.kind == "ticket_called"
    ]
    store.close()
    assert set(acked_calls) <= set(calls), "an acknowledged call was lost"
    assert len(set(t for _w, t in calls)) == len(calls), "a ticket was called twice"
    last_call = {}
    for w, t in calls:
        last_call[w] = t
    for w, t in last_call.items():
        shown = windows.get(w)
        assert shown is not None and shown.ticket == t, (w, t, shown)
        assert shown.epoch == 1


class Burst:
    """76 windows pressing "call next" and a kiosk issuing, each command retried with its
    own id until answered (across the failover); what was acknowledged is recorded."""

    def __init__(self, clients: dict[str, CommandClient], kiosk: CommandClient, services):
        self.clients, self.kiosk, self.services = clients, kiosk, services
        self.issued: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._window, args=(d,)) for d in clients]
        self.threads.append(threading.Thread(target=self._kiosk))

    def start(self) -> Burst:
        for t in self.threads:
            t.start()
        return self

    def wait_for_calls(self, n: int) -> None:
        while len(self.calls) < n:
            time.sleep(0.01)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def _window(self, device: str) -> None:
        while not self.stop.is_set():
            try:
                r = send_until_answered(self.clients[device], "call_next", deadline_s=40)
                self.calls.append((r.window, r.ticket))
            except CommandError as exc:
                if "queue_empty" not in str(getattr(exc, "reply", "")):
                    self.errors.append(f"{device}: {exc}")
                time.sleep(0.2)

    def _kiosk(self) -> None:
        i = 0
        while not self.stop.is_set():
            code = self.services[i % len(self.services)]
            try:
                r = send_until_answered(self.kiosk, "issue", deadline_s=40, service=code)
                self.issued.append(r.ticket)
            except CommandError as exc:
                self.errors.append(f"kiosk: {exc}")
            i += 1
