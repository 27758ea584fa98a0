"""The services of one department: tap one to get a ticket."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty

from kiosk import catalog
from kiosk.texts import pick, tr
from kiosk.widgets import Tile

from .base import KioskScreen
from .home import banner, session_line


class ServicesScreen(KioskScreen):
    department = StringProperty("")
    title_text = StringProperty("")
    banner_text = StringProperty("")
    banner_level = StringProperty("error")
    session_text = StringProperty("")

    def refresh(self) -> None:
        app = App.get_running_app()
        c = app.controller
        self.banner_text, self.banner_level = banner(c, app.lang)
        self.session_text = session_line(c, app.lang)
        dept = next((d for d in c.cfg.departments if d.id == self.department), None)
        name = "" if dept is None else pick(dept.name, dept.name_en, app.lang)
        self.title_text = tr("choose_service", app.lang, dept=name)
        tiles = catalog.service_tiles(c.cfg, c.state, self.department)
        grid = self.ids.tiles_grid
        if [w.key for w in reversed(grid.children)] != [t.key for t in tiles]:
            grid.clear_widgets()
            for _ in tiles:
                grid.add_widget(Tile(on_release=self.choose))
        for widget, tile in zip(reversed(grid.children), tiles, strict=True):
            widget.show(tile, app.lang)

    def choose(self, tile: Tile) -> None:
        App.get_running_app().request_ticket(tile.key)
