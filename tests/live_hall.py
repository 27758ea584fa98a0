"""A hall on real Mosquittos for one live test: what the test starts, all stopped after it.

- ``wait_until``: poll a check until it holds (AssertionError naming what was awaited).
- ``LiveHall``: the devices' links and clients, kiosks and ``hallq broker`` processes a test
  starts on a hall's Mosquitto(s); ``close()`` stops them, last started first, the
  Mosquittos last.
- ``LiveKiosk``: a kiosk's controller (no Kivy) on a real link with a FakePrinter, its outbox
  (and leased numbers and offline issues) in a state dir, ``maintain()`` on a ticker.
- ``broker_process``, ``wait_online``: a ``hallq broker`` process; wait until a service answers.

Used by the live kiosk, standby and failover tests and benchmarks/bench_standby.py (importable
as ``from live_hall import ...``: tests/ is on sys.path).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from app.localmqtt import LocalMosquitto
from hallq.client import CommandClient, CommandError
from hallq.config import HallConfig
from hallq.mqtt import MqttLink
from hardware.fakes import FakePrinter
from kiosk.controller import KioskController, wire_link
from kiosk.offline import LeaseBook, OfflineIssues
from kiosk.outbox import PrintOutbox

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 30.0  # generous: a reconnect takes 1-8 s of paho back-off


def wait_until(what: str, check: Callable[[], Any], timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for: {what}")
        time.sleep(0.02)


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


class LiveKiosk:
    """The kiosk process: its controller on a real link, ``printer`` (a FakePrinter unless
    given) and its outbox in ``state_dir``, with leased numbers and offline issues there too
    unless ``offline`` is False; ``maintain()`` every ``tick_s``. ``stop()``: power off."""

    def __init__(
        self,
        cfg: HallConfig,
        device_id: str,
        state_dir: Path,
        *,
        printer: FakePrinter | None = None,
        offline: bool = True,
        clock: Callable[[], datetime] = datetime.now,
        tick_s: float = 0.5,
    ) -> None:
        self.link = MqttLink.from_config(cfg, device_id)
        commands = CommandClient(self.link)
        self.printer = printer or FakePrinter()
        self.printer.open()
        self.c = KioskController(
            cfg,
            cfg.device(device_id),  # type: ignore[arg-type]
            commands,
            self.printer,
            self.link,
            clock=clock,
            outbox=PrintOutbox.open(commands, state_dir),
            leases=LeaseBook.open(state_dir) if offline else None,
            offline=OfflineIssues.open(commands, state_dir) if offline else None,
        )
        self.outcomes: list = []
        self.c.when_outcome = self.outcomes.append
        wire_link(self.link, self.c)
        self._stop = threading.Event()
        self._tick_s = tick_s
        self.link.start()
        threading.Thread(target=self._tick, daemon=True).start()

    def _tick(self) -> None:
        while not self._stop.wait(self._tick_s):
            self.c.maintain()

    def ready(self) -> bool:
        return self.c.state.blocked is None

    def ticket(self, code: str) -> Any:
        """Ask for a ticket of ``code``; the outcome, once the kiosk has one."""
        before = len(self.outcomes)
        assert self.c.request_ticket(code)
        wait_until("the kiosk's ticket", lambda: len(self.outcomes) > before)
        return self.outcomes[-1]

    def stop(self) -> None:
        self._stop.set()
        self.link.stop()


class Stoppable(Protocol):
    def stop(self) -> Any: ...


S = TypeVar("S", bound=Stoppable)


class LiveHall:
    """``cfg`` on its running ``mosquittos`` (stopped by ``close()``, the first last)."""

    def __init__(self, cfg: HallConfig, tmp: Path, *mosquittos: LocalMosquitto) -> None:
        self.cfg, self.tmp, self.mosquittos = cfg, tmp, mosquittos
        self._stack = ExitStack()
        for m in mosquittos:
            self._stack.callback(m.stop)

    @property
    def mosquitto(self) -> LocalMosquitto:
        return self.mosquittos[0]

    def keep(self, thing: S) -> S:
        """``thing.stop()`` on close."""
        self._stack.callback(thing.stop)
        return thing

    def link(self, device: str) -> MqttLink:
        return self._connected(MqttLink.from_config(self.cfg, device))

    def client(self, device: str) -> CommandClient:
        link = MqttLink.from_config(self.cfg, device)
        client = CommandClient(link)  # subscribed to its replies before it connects
        self._connected(link)
        return client

    def _connected(self, link: MqttLink) -> MqttLink:
        self.keep(link).start()
        assert link.wait_for_connection(10), link.device
        return link

    def kiosk(self, device: str = "kiosk1", **kw: Any) -> LiveKiosk:
        """A LiveKiosk with its state in ``tmp/<device>``."""
        return self.keep(LiveKiosk(self.cfg, device, self.tmp / device, **kw))

    def broker(self, *args: str, name: str = "primary") -> subprocess.Popen:
        """``hallq broker`` (logging to ``tmp/<name>.log``), terminated on close if running."""
        proc = broker_process(self.cfg, *args, log=self.tmp / f"{name}.log")
        self._stack.callback(_end, proc)
        return proc

    def close(self) -> None:
        self._stack.close()


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)
