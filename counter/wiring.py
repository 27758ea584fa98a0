"""The one wiring point of the counter and evaluator processes: config -> link -> controller.

Tests and the simulator build the same objects with their own link (a started MqttLink on a test
Mosquitto) or with fakes; nothing here connects until the caller starts the link.
"""

from __future__ import annotations

import threading
from typing import Any

import msgspec

from hallq.client import CommandClient
from hallq.config import CounterDevice, EvaluatorDevice, HallConfig, require_role
from hallq.contract import ServiceState, WindowState
from hallq.contract import WindowServices as WindowServicesState
from hallq.mqtt import MqttLink
from hallq.service_watch import ServiceWatch, service_devices
from hallq.state import Listener, StateClient

from .controller import CounterController
from .evaluation import EvaluationController


def counter_device(cfg: HallConfig, device_id: str) -> CounterDevice:
    return require_role(cfg, device_id, CounterDevice)


def evaluator_device(cfg: HallConfig, device_id: str) -> EvaluatorDevice:
    return require_role(cfg, device_id, EvaluatorDevice)


def build_counter(
    cfg: HallConfig, device_id: str, link: MqttLink | None = None, **kwargs: Any
) -> tuple[MqttLink, CounterController]:
    """A counter controller fed by its window's retained state and that window's services
    only (not every service of the hall); nothing is started."""
    device = counter_device(cfg, device_id)
    link = link or MqttLink.from_config(cfg, device_id)
    names = {p.id: (p.name, p.name_en or p.name) for p in cfg.priority_classes}
    kwargs.setdefault("priority_names", names)
    kwargs.setdefault("next_stop", lambda code: next_stop(cfg, code))
    controller = CounterController(device.window, CommandClient(link), **kwargs)
    state = StateClient(link)
    services = WindowServices(state, controller.on_service_state)
    window = cfg.window(device.window)
    services.follow([*window.primary, *window.secondary])
    windows = state.follow_windows([device.window])
    windows.listen(services.on_window_state)  # first: a new service is followed before drawing
    windows.listen(controller.on_window_state)
    served = state.follow_window_services([device.window])  # contract v2's home of the tiers
    served.listen(services.on_window_services)
    served.listen(controller.on_window_services)
    watch = ServiceWatch(
        service_devices(cfg), controller.on_service, here=lambda: getattr(link, "via", None)
    )
    watch.follow(state, link)  # presence of the services, and the Mosquittos' bridge
    _follow_connection(link, controller, watch)
    return link, controller


def next_stop(cfg: HallConfig, code: str) -> tuple[str, str]:
    """Where a case goes for service ``code``: its own windows (those serving it as primary,
    else any serving it), in Chinese and English, e.g. "8号、9号窗口 办理出生登记"."""
    service = next((s for s in cfg.services if s.code == code), None)
    if service is None:
        return code, code
    windows = [w for w in cfg.windows if code in w.primary] or [
        w for w in cfg.windows if code in w.secondary
    ]
    zh = "、".join(w.name for w in windows[:4]) + ("等" if len(windows) > 4 else "")
    en = ", ".join(w.name_en or w.name for w in windows[:4])
    return f"{zh} 办理{service.name}", f"{service.name_en or service.name} at {en}"


class WindowServices:
    """Follows the services of one window: those in the config, and any the window's state
    lists later (a manager may give the window another service while it runs)."""

    def __init__(self, state: StateClient, listener: Listener[ServiceState]) -> None:
        self.state = state
        self.followed: set[str] = set()
        self._lock = threading.Lock()
        state.services.listen(listener)

    def follow(self, codes: list[str]) -> None:
        """Subscribe to the services in ``codes`` not followed yet."""
        with self._lock:
            new = sorted(set(codes) - self.followed)
            self.followed.update(new)
        if new:
            self.state.follow_services(new)

    def on_window_state(self, _key: str, w: WindowState | None) -> None:
        if w is not None and w.services is not msgspec.UNSET:
            self.follow(list(w.services))

    def on_window_services(self, _key: str, w: WindowServicesState | None) -> None:
        if w is not None:
            self.follow(list(w.services))


def build_evaluator(
    cfg: HallConfig, device_id: str, link: MqttLink | None = None, **kwargs: Any
) -> tuple[MqttLink, EvaluationController]:
    """An evaluation controller watching its window's retained state (not started)."""
    device = evaluator_device(cfg, device_id)
    link = link or MqttLink.from_config(cfg, device_id)
    controller = EvaluationController(device.window, CommandClient(link), **kwargs)
    StateClient(link).follow_windows([device.window]).listen(controller.on_window_state)
    _follow_connection(link, controller)
    return link, controller


def _follow_connection(link: MqttLink, controller: Any, watch: ServiceWatch | None = None) -> None:
    def connection(up: bool) -> None:
        controller.on_connection(up)
        if watch is not None:
            watch.on_connection(up)

    link.when_connected = lambda: connection(True)
    link.when_disconnected = lambda: connection(False)
    if link.is_connected:  # a link the caller started already
        connection(True)
