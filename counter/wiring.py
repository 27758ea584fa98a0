"""The one wiring point of the counter and evaluator processes: config -> link -> controller.

Tests and the simulator build the same objects with their own link (a started MqttLink on a test
Mosquitto) or with fakes; nothing here connects until the caller starts the link.
"""

from __future__ import annotations

from typing import Any

from hallq.client import CommandClient
from hallq.config import CounterDevice, EvaluatorDevice, HallConfig, require_role
from hallq.mqtt import MqttLink

from .controller import CounterController
from .evaluation import EvaluationController


def counter_device(cfg: HallConfig, device_id: str) -> CounterDevice:
    return require_role(cfg, device_id, CounterDevice)


def evaluator_device(cfg: HallConfig, device_id: str) -> EvaluatorDevice:
    return require_role(cfg, device_id, EvaluatorDevice)


def build_counter(
    cfg: HallConfig, device_id: str, link: MqttLink | None = None, **kwargs: Any
) -> tuple[MqttLink, CounterController]:
    """A counter controller fed by the window's and services' retained state (not started)."""
    device = counter_device(cfg, device_id)
    link = link or MqttLink.from_config(cfg, device_id)
    controller = CounterController(device.window, CommandClient(link), **kwargs)
    topics = link.topics
    link.subscribe(topics.window(device.window), lambda _t, p: controller.on_window_state(p))
    link.subscribe(topics.service("+"), lambda _t, p: controller.on_service_state(p))
    _follow_connection(link, controller)
    return link, controller


def build_evaluator(
    cfg: HallConfig, device_id: str, link: MqttLink | None = None, **kwargs: Any
) -> tuple[MqttLink, EvaluationController]:
    """An evaluation controller watching its window's retained state (not started)."""
    device = evaluator_device(cfg, device_id)
    link = link or MqttLink.from_config(cfg, device_id)
    controller = EvaluationController(device.window, CommandClient(link), **kwargs)
    link.subscribe(link.topics.window(device.window), lambda _t, p: controller.on_window_state(p))
    _follow_connection(link, controller)
    return link, controller


def _follow_connection(link: MqttLink, controller: Any) -> None:
    link.when_connected = lambda: controller.on_connection(True)
    link.when_disconnected = lambda: controller.on_connection(False)
    if link.is_connected:  # a link the caller started already
        controller.on_connection(True)
