"""The Kivy App around the wall screen: builds it, starts and stops link, voice and timers."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.app import App
from kivy.clock import Clock

from display.app import Follows, Ready, subscribe
from display.model import DisplayModel
from display.wall import WallController, WallScreen, load_kv
from hallq.service_watch import service_devices
from hardware.voice import Announcer
from hardware.window_board import WindowBoardDriver


def hop(fn: Any) -> None:
    """Run ``fn()`` on Kivy's main thread before the next frame (callable from any thread)."""
    Clock.schedule_once(lambda _dt: fn(), 0)


class DisplayApp(App):
    """One full-screen wall display."""

    title = "hallq 叫号屏"

    def __init__(
        self,
        cfg: Any,
        model: DisplayModel,
        link: Any,
        voice: Announcer | None,
        driver: WindowBoardDriver,
        *,
        follows: Follows | None = None,
        when_ready: Ready | None = None,
    ) -> None:
        super().__init__()
        self.cfg, self.model, self.link, self.voice = cfg, model, link, voice
        self.driver, self.follows, self.when_ready = driver, follows, when_ready
        self.controller: WallController | None = None

    def build(self) -> WallScreen:
        load_kv()
        h = self.cfg.hall
        screen = WallScreen(hall_name=h.name, notice=h.notice)
        self.controller = WallController(screen, self.model, self.voice)
        return screen

    def on_start(self) -> None:
        ctl = self.controller
        assert ctl is not None
        ctl.on_enter()
        ctl.refresh()
        self.driver.start()
        subscribe(
            self.link, hop, ctl, self.driver, self.follows, services=service_devices(self.cfg)
        )
        if self.voice is not None:
            self.voice.when_unsaid = lambda call: hop(partial(ctl.on_unsaid, call))
            self.voice.open()
        self.link.start()
        if self.when_ready is not None:
            Clock.schedule_once(lambda _dt: self.when_ready(self, ctl), 0)  # type: ignore[misc]

    def on_stop(self) -> None:
        if self.controller is not None:
            self.controller.on_pre_leave()
        self.link.stop()
        self.driver.stop()
        if self.voice is not None:
            self.voice.close(5.0)  # speak what is queued, for at most 5 s
