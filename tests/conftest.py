"""Shared fixtures: a small test hall, a real Mosquitto for it, and the broker service.

- ``hall_cfg``: HallConfig of tests/data/hall.toml with a free port and tmp paths.
- ``mosquitto``: a running Mosquitto for that hall (``.port``, ``.cfg``, ``.kill()``,
  ``.start()`` again for restart tests).
- ``broker``: the broker service connected to it (``.service``, ``.restart()``).
- ``device``: factory ``device("kiosk1") -> (MqttLink, CommandClient)``, connected.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPWMPin
from halls import write_test_hall

from app.bootstrap import build_broker
from app.localmqtt import LocalMosquitto
from broker.service import BrokerService
from hallq.client import CommandClient
from hallq.config import HallConfig, load_config
from hallq.mqtt import MqttLink

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture
def hall_cfg(tmp_path: Path) -> HallConfig:
    return load_config(write_test_hall(tmp_path))


@pytest.fixture
def mosquitto(hall_cfg: HallConfig, tmp_path: Path) -> Iterator[LocalMosquitto]:
    m = LocalMosquitto(hall_cfg, tmp_path / "mqtt").start()
    try:
        yield m
    finally:
        m.stop()


class RunningBroker:
    def __init__(self, cfg: HallConfig) -> None:
        self.cfg = cfg
        self.service = self._start()

    def _start(self) -> BrokerService:
        s = build_broker(self.cfg)
        s.start()
        assert s.link is not None
        if not s.link.wait_for_connection(10):
            raise RuntimeError("broker service did not connect to Mosquitto")
        return s

    def restart(self) -> BrokerService:
        self.service.stop()
        self.service = self._start()
        return self.service

    def stop(self) -> None:
        self.service.stop()


@pytest.fixture
def broker(mosquitto: LocalMosquitto) -> Iterator[RunningBroker]:
    b = RunningBroker(mosquitto.cfg)
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture
def device(
    mosquitto: LocalMosquitto,
) -> Iterator[Callable[[str], tuple[MqttLink, CommandClient]]]:
    links: list[MqttLink] = []

    def connect(device_id: str) -> tuple[MqttLink, CommandClient]:
        link = MqttLink.from_config(mosquitto.cfg, device_id)
        client = CommandClient(link)
        link.start()
        if not link.wait_for_connection(10):
            raise RuntimeError(f"{device_id} could not connect: {mosquitto.log_tail()}")
        links.append(link)
        return link, client

    try:
        yield connect
    finally:
        for link in links:
            link.stop()


@pytest.fixture
def mock_pins() -> Iterator[MockFactory]:
    """gpiozero's mock pin factory (PWM-capable) as the default; the real one restored after."""
    old = Device.pin_factory
    Device.pin_factory = MockFactory(pin_class=MockPWMPin)
    try:
        yield Device.pin_factory
    finally:
        Device.pin_factory.reset()
        Device.pin_factory = old


@pytest.fixture
def artifacts() -> Callable[[str], Path]:
    def folder(area: str) -> Path:
        p = ARTIFACTS / area
        p.mkdir(parents=True, exist_ok=True)
        return p

    return folder


os.environ.setdefault("KIVY_NO_ARGS", "1")
