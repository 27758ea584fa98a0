"""The app's wiring without Kivy: topics to controller and boards, env window size, announcer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from display.app import _size_from_env, make_announcer, run, subscribe
from display.boards import WindowBoardDriver
from display.errors import NotADisplay
from display.fakes import FakeLink
from display.messages import CalledEvent, ServiceState, WindowState
from hallq.config import HallConfig
from hardware.board import FakeWindowBoard
from hardware.config import VoiceConfig


class Controller:
    def __init__(self) -> None:
        self.got: list[Any] = []

    def on_called(self, ev: CalledEvent) -> None:
        self.got.append(ev)

    def on_window(self, w: WindowState) -> None:
        self.got.append(w)

    def on_service(self, s: ServiceState) -> None:
        self.got.append(s)

    def set_online(self, is_online: bool) -> None:
        self.got.append(("online", is_online))


def test_topics_reach_controller_via_hop_and_boards_directly() -> None:
    link, ctl, hopped = FakeLink("h"), Controller(), []
    board = FakeWindowBoard()

    def hop(fn: Any) -> None:
        hopped.append(fn)
        fn()

    subscribe(link, hop, ctl, WindowBoardDriver({"w1": board}))
    link.publish(link.topics.window("w1"), {"window": "w1", "status": "open"}, retain=True)
    link.start()
    link.publish(link.topics.event("called"), {"ticket": "A001", "window": "w1", "at": 1.0})
    link.publish(link.topics.service("rs01"), {"service": "rs01", "waiting": 2})
    link.publish(link.topics.event("called"), {"ticket": 5, "window": "w1", "at": 1.0})  # bad
    link.publish(link.topics.window("w2"), b"")  # a cleared retained message
    link.go_offline()
    kinds = [type(g).__name__ if not isinstance(g, tuple) else g for g in ctl.got]
    assert kinds == [
        ("online", True),
        "WindowState",
        "CalledEvent",
        "ServiceState",
        ("online", False),
    ]
    assert len(hopped) == len(ctl.got)  # everything for the widgets went through the hop
    assert board.texts == ["欢迎光临"]


def test_window_size_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALLQ_DISPLAY_WINDOW", "1280x720")
    assert _size_from_env() == (1280, 720)
    monkeypatch.setenv("HALLQ_DISPLAY_WINDOW", "big")
    assert _size_from_env() is None
    monkeypatch.delenv("HALLQ_DISPLAY_WINDOW")
    assert _size_from_env() is None


def test_announcer_cache_is_relative_to_the_config(tmp_path: Path) -> None:
    class Cfg:
        def resolve(self, p: str) -> Path:
            return tmp_path / p

    a = make_announcer(Cfg(), VoiceConfig(cache_dir="run/voice"))
    assert a is not None and a.cache_dir == tmp_path / "run" / "voice"  # type: ignore[attr-defined]
    assert make_announcer(Cfg(), None) is None
    assert make_announcer(Cfg(), VoiceConfig(engine="none")) is None


def test_run_refuses_a_device_that_is_not_a_display(hall_cfg: HallConfig) -> None:
    with pytest.raises(NotADisplay, match="kiosk1"):
        run(hall_cfg, "kiosk1", link=FakeLink())
