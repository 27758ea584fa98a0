"""What every kiosk screen shares: the app handle and the idle timer back to the home screen."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A screen that returns home after ``idle_timeout_s`` without a touch (when ``idles``),
    resetting the language, the text size and any priority choice (``App.go_home``)."""

    idles = True

    def on_enter(self, *_a) -> None:
        self._idle = None
        if self.idles:
            self.restart_idle()

    def on_pre_leave(self, *_a) -> None:
        self.stop_idle()

    def restart_idle(self) -> None:
        self.stop_idle()
        self._idle = Clock.schedule_once(self._timed_out, App.get_running_app().idle_timeout_s)

    def stop_idle(self) -> None:
        if getattr(self, "_idle", None) is not None:
            self._idle.cancel()
            self._idle = None

    def on_touch_down(self, touch) -> bool:
        if self.idles or getattr(self, "_idle", None) is not None:
            self.restart_idle()
        return super().on_touch_down(touch)

    def _timed_out(self, _dt: float) -> None:
        self._idle = None
        App.get_running_app().go_home(idle=True)

    def refresh(self) -> None:
        """Re-render from the controller's state (main thread)."""
