"""Builders shared by the kiosk unit tests (a small hall, the controller on fakes)."""

from __future__ import annotations

from pathlib import Path

from halls import write_test_hall

from hallq.config import HallConfig, load_config
from hardware.fakes import FakePrinter
from kiosk.controller import KioskController
from kiosk.fakes import FakePresence, FakeService


def small_hall(tmp: Path) -> HallConfig:
    """The test hall (tests/data/hall.toml) in ``tmp``; nothing connects to its port."""
    return load_config(write_test_hall(tmp, port=1883))


class Deferred:
    """A spawn() that holds jobs until run_all(): lets a test tap twice mid-request."""

    def __init__(self) -> None:
        self.jobs: list = []

    def __call__(self, fn) -> None:
        self.jobs.append(fn)

    def run_all(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


def kiosk(tmp: Path, spawn=None):
    """(controller, service, printer, presence) with the kiosk connected and ready."""
    cfg = small_hall(tmp)
    service, printer, presence = FakeService(cfg), FakePrinter(), FakePresence()
    printer.open()
    kw = {"spawn": spawn} if spawn else {"spawn": lambda fn: fn()}
    c = KioskController(cfg, cfg.device("kiosk1"), service, printer, presence, **kw)
    service.when_state = c.on_service_message
    c.on_connected()
    if spawn:
        spawn.run_all()
    service.publish_states()
    return c, service, printer, presence
