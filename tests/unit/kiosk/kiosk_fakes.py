"""Builders shared by the kiosk unit tests: a small hall, the controller on the real service.

The controller talks through a ``hallq.fakes.FakeLink`` to the real ``BrokerService``
(tests/kiosk_service.py), so every reply and state it reads is the contract's.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
from halls import DATA, write_test_hall
from kiosk_service import HallService, InstantCommands

from hallq.config import HallConfig, load_config
from hallq.fakes import FakeLink
from hardware.fakes import FakePrinter
from kiosk.controller import KioskController, wire_link


def small_hall(tmp: Path, hall: str = "hall.toml") -> HallConfig:
    """A test hall (tests/data/<hall>) in ``tmp``; nothing connects to its port."""
    return load_config(write_test_hall(tmp, port=1883, template=DATA / hall))


class Deferred:
    """A spawn() that holds jobs until run_all(): lets a test tap twice mid-request."""

    def __init__(self) -> None:
        self.jobs: list = []

    def __call__(self, fn) -> None:
        self.jobs.append(fn)

    def run_all(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


def controller(tmp: Path, spawn=None, hall: str = "hall.toml", **device_fields):
    """(controller, service, printer, link): wired, the link not started yet.
    ``device_fields`` change kiosk1's config (e.g. ``departments=["rs"]``)."""
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = small_hall(tmp, hall)
    device = msgspec.structs.replace(cfg.device("kiosk1"), **device_fields)
    link = FakeLink(cfg.hall.id, "kiosk1")
    service, printer = HallService(cfg, link, tmp), FakePrinter()
    printer.open()
    commands = InstantCommands(link)
    c = KioskController(cfg, device, commands, printer, link, spawn=spawn or _now)
    wire_link(link, c)
    return c, service, printer, link


def kiosk(tmp: Path, spawn=None, hall: str = "hall.toml", **device_fields):
    """(controller, service, printer, link) with the kiosk connected and ready."""
    c, service, printer, link = controller(tmp, spawn, hall, **device_fields)
    link.start()
    if spawn:
        spawn.run_all()
    return c, service, printer, link


def _now(fn) -> None:
    fn()
