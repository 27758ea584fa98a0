"""Home: departments as large tiles with live queue figures, the priority and appointment paths."""

from __future__ import annotations

from kivy.app import App

from kiosk import catalog

from .tiles import TileScreen


class HomeScreen(TileScreen):
    """Idles too: a citizen who walks away leaves no priority choice, English or large text."""

    def refresh(self) -> None:
        c = App.get_running_app().controller
        self.show_tiles(catalog.department_tiles(c.cfg, c.device, c.state))

    def tapped(self, tile) -> None:
        App.get_running_app().open_department(tile.key)
