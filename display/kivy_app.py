"""The Kivy App around the wall screen: builds it, starts and stops link, voice and timers."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock

from display.app import Ready, subscribe
from display.boards import WindowBoardDriver
from display.model import DisplayModel
from display.voice import AnnounceQueue
from display.wall import WallController, WallScreen, load_kv


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
        voice: AnnounceQueue | None,
        driver: WindowBoardDriver,
        *,
        when_ready: Ready | None = None,
    ) -> None:
        super().__init__()
        self.cfg, self.model, self.link, self.voice = cfg, model, link, voice
        self.driver, self.when_ready = driver, when_ready
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
        subscribe(self.link, hop, ctl, self.driver)
        if self.voice is not None:
            self.voice.start()
        self.link.start()
        if self.when_ready is not None:
            Clock.schedule_once(lambda _dt: self.when_ready(self, ctl), 0)  # type: ignore[misc]

    def on_stop(self) -> None:
        if self.controller is not None:
            self.controller.on_pre_leave()
        self.link.stop()
        self.driver.stop()
        if self.voice is not None:
            self.voice.stop()
