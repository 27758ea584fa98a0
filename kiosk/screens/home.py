"""Home: departments as large tiles with live queue figures, the priority and appointment paths."""

from __future__ import annotations

from kivy.app import App

from kiosk import catalog
from kiosk.state import MATTER_KEY

from .tiles import TileScreen


class HomeScreen(TileScreen):
    """Idles too: a citizen who walks away leaves no priority choice, English or large text."""

    def refresh(self) -> None:
        c = App.get_running_app().controller
        tiles = catalog.matter_tiles(c.cfg, c.device, c.state)
        self.show_tiles(tiles + catalog.department_tiles(c.cfg, c.device, c.state))

    def tapped(self, tile) -> None:
        """A matter (一件事) issues its ticket at once; a department opens its services."""
        app = App.get_running_app()
        if tile.key.startswith(MATTER_KEY):
            app.request_matter(tile.key.removeprefix(MATTER_KEY))
        else:
            app.open_department(tile.key)
