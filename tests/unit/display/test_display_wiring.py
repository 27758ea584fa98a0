"""The app's wiring without Kivy: topics to controller and boards, env window size, announcer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from display.app import Follows, make_announcer, run, subscribe
from display.model import hall_info
from hallq.config import ConfigError, HallConfig
from hallq.contract import CalledEvent, ServiceState, WindowState
from hallq.fakes import FakeLink
from hardware.config import VoiceConfig
from hardware.fakes import FakeWindowBoard
from hardware.screen import size_from_env
from hardware.window_board import WindowBoardDriver


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
    link.deliver(link.topics.window("w1"), {"window": "w1", "status": "open"}, retain=True)
    link.start()
    link.deliver(link.topics.event("called"), {"ticket": "A001", "window": "w1", "at": 1.0})
    link.deliver(link.topics.service("rs01"), {"service": "rs01", "waiting": 2})
    link.deliver(link.topics.event("called"), {"ticket": 5, "window": "w1", "at": 1.0})  # bad
    link.deliver(link.topics.window("w2"), b"", retain=True)  # a cleared retained message
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
    assert size_from_env("HALLQ_DISPLAY_WINDOW") == (1280, 720)
    monkeypatch.setenv("HALLQ_DISPLAY_WINDOW", "big")
    assert size_from_env("HALLQ_DISPLAY_WINDOW") is None
    monkeypatch.delenv("HALLQ_DISPLAY_WINDOW")
    assert size_from_env("HALLQ_DISPLAY_WINDOW") is None


def test_announcer_cache_is_relative_to_the_config(tmp_path: Path) -> None:
    class Cfg:
        def resolve(self, p: str) -> Path:
            return tmp_path / p

    a = make_announcer(Cfg(), VoiceConfig(cache_dir="run/voice"))
    assert a is not None and a.cache_dir == tmp_path / "run" / "voice"  # type: ignore[attr-defined]
    assert make_announcer(Cfg(), None) is None
    assert make_announcer(Cfg(), VoiceConfig(engine="none")) is None


def test_run_refuses_a_device_that_is_not_a_display(hall_cfg: HallConfig) -> None:
    with pytest.raises(ConfigError, match="kiosk1"):
        run(hall_cfg, "kiosk1", link=FakeLink())


class RecordingLink(FakeLink):
    def __init__(self) -> None:
        super().__init__("h")
        self.filters: list[str] = []

    def subscribe(self, topic_filter: str, handler: Any) -> None:
        self.filters.append(topic_filter)
        super().subscribe(topic_filter, handler)


def test_zone_display_follows_only_its_zone_and_its_boards(hall_cfg: HallConfig) -> None:
    info = hall_info(hall_cfg)
    zone = next(z for z in info.zone_services if z)
    board_window = next(w for w, z in info.window_zones.items() if z != zone)
    driver = WindowBoardDriver({board_window: FakeWindowBoard()})
    link = RecordingLink()
    subscribe(link, lambda fn: fn(), Controller(), driver, Follows.of(info, zone, driver))
    windows = sorted({w for w, z in info.window_zones.items() if z == zone} | {board_window})
    services = sorted(info.zone_services[zone])
    assert link.filters == [
        link.topics.event("called"),
        *(link.topics.window(w) for w in windows),
        *(link.topics.service(s) for s in services),
    ]


def test_whole_hall_display_follows_every_window_and_service(hall_cfg: HallConfig) -> None:
    link, driver = RecordingLink(), WindowBoardDriver({})
    subscribe(
        link, lambda fn: fn(), Controller(), driver, Follows.of(hall_info(hall_cfg), "", driver)
    )
    t = link.topics
    assert link.filters == [t.event("called"), t.window("+"), t.service("+")]
