"""app/bootstrap.py: each process's real adapters are built from the config, in one place,
and handed to the device's own run() (captured here instead of starting Kivy or GPIO)."""

from __future__ import annotations

import sys
import types

import pytest

from app import bootstrap
from hallq.config import ConfigError, decode_config
from hallq.mqtt import MqttLink
from hardware.board import SerialWindowBoard
from hardware.evaluator import Evaluator
from hardware.keypad import Keypad
from hardware.printer import TicketPrinter

HALL = {
    "hall": {"id": "h", "name": "大厅"},
    "departments": [{"id": "rs", "name": "人社"}],
    "services": [{"code": "A", "name": "社保", "department": "rs"}],
    "windows": [{"id": "w1", "name": "1号窗口", "department": "rs", "primary": ["A"]}],
    "devices": [
        {"id": "hallq", "role": "broker"},
        {"id": "k1", "role": "kiosk", "printer": {"type": "network", "host": "10.0.0.9"}},
        {"id": "c1", "role": "counter", "window": "w1", "mode": "keypad", "board": {}},
        {"id": "c2", "role": "counter", "window": "w1"},
        {"id": "e1", "role": "evaluator", "window": "w1", "buttons": {}},
        {"id": "d1", "role": "display", "voice": {"engine": "none"}},
    ],
}


@pytest.fixture
def ran(monkeypatch):
    """What each device's run() was given: (module, device_id, keyword arguments)."""
    import kiosk
    from counter import app as counter
    from counter import evaluator_app
    from display import app as display

    calls: list[tuple[str, str, dict]] = []

    def capture(name: str):
        return lambda _cfg, device, **kw: calls.append((name, device, kw))

    # kiosk.app imports Kivy at import time: a stand-in module keeps Kivy out of unit tests
    kiosk_app = types.ModuleType("kiosk.app")
    kiosk_app.run = capture("kiosk")
    monkeypatch.setitem(sys.modules, "kiosk.app", kiosk_app)
    monkeypatch.setattr(kiosk, "app", kiosk_app, raising=False)
    for name, module in (("counter", counter), ("evaluator", evaluator_app), ("display", display)):
        monkeypatch.setattr(module, "run", capture(name))
    return calls


def _link_of(kwargs: dict, device: str) -> bool:
    link = kwargs["link"]
    return isinstance(link, MqttLink) and link.device == device and not link.is_connected


def test_each_process_gets_the_adapters_its_config_names(ran):
    cfg = decode_config(HALL)
    bootstrap.run_kiosk(cfg, "k1")
    bootstrap.run_counter(cfg, "c1")
    bootstrap.run_counter(cfg, "c2")
    bootstrap.run_evaluator(cfg, "e1")
    bootstrap.run_display(cfg, "d1")
    (_, _, kiosk), (_, _, keypad), (_, _, screen), (_, _, rater), (_, _, wall) = ran
    assert [(n, d) for n, d, _ in ran] == [
        ("kiosk", "k1"),
        ("counter", "c1"),
        ("counter", "c2"),
        ("evaluator", "e1"),
        ("display", "d1"),
    ]
    assert all(_link_of(kw, d) for _, d, kw in ran)
    assert isinstance(kiosk["printer"], TicketPrinter)
    assert kiosk["printer"].cfg.host == "10.0.0.9"
    assert isinstance(keypad["keypad"], Keypad) and isinstance(keypad["board"], SerialWindowBoard)
    assert set(screen) == {"link"}  # screen mode: no keypad, no board
    assert isinstance(rater["buttons"], Evaluator)
    assert wall["announcer"] is None and wall["boards"] == {}  # engine "none": a silent wall


def test_a_wrong_role_stops_before_any_device_code_runs(ran):
    cfg = decode_config(HALL)
    for run, device in (
        (bootstrap.run_kiosk, "c1"),
        (bootstrap.run_counter, "k1"),
        (bootstrap.run_evaluator, "d1"),
        (bootstrap.run_display, "e1"),
        (bootstrap.run_board, "k1"),
    ):
        with pytest.raises(ConfigError, match=f"'{device}' is a "):
            run(cfg, device)
    assert ran == []
