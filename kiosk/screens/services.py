"""The services of one department: tap one to get a ticket."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty

from kiosk import catalog
from kiosk.texts import pick, tr

from .tiles import TileScreen


class ServicesScreen(TileScreen):
    department = StringProperty("")
    title_text = StringProperty("")

    def refresh(self) -> None:
        app = App.get_running_app()
        c = app.controller
        dept = next((d for d in c.cfg.departments if d.id == self.department), None)
        name = "" if dept is None else pick(dept.name, dept.name_en, app.lang)
        self.title_text = tr("choose_service", app.lang, dept=name)
        self.show_tiles(catalog.service_tiles(c.cfg, c.state, self.department))

    def tapped(self, tile) -> None:
        App.get_running_app().request_ticket(tile.key)
