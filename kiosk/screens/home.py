"""Home: departments as large tiles with live queue figures, the priority and appointment paths."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty

from hardware.printer import PrinterStatus
from kiosk import catalog
from kiosk.texts import pick, tr
from kiosk.widgets import Tile

from .base import KioskScreen


class HomeScreen(KioskScreen):
    idles = False
    banner_text = StringProperty("")
    banner_level = StringProperty("error")
    session_text = StringProperty("")

    def refresh(self) -> None:
        app = App.get_running_app()
        c = app.controller
        self.banner_text, self.banner_level = banner(c, app.lang)
        self.session_text = session_line(c, app.lang)
        grid = self.ids.tiles_grid
        tiles = catalog.department_tiles(c.cfg, c.device, c.state)
        if len(grid.children) != len(tiles):
            grid.clear_widgets()
            for _ in tiles:
                grid.add_widget(Tile(on_release=self.open_department))
        for widget, tile in zip(reversed(grid.children), tiles, strict=True):
            widget.show(tile, app.lang)

    def open_department(self, tile: Tile) -> None:
        App.get_running_app().open_department(tile.key)


def banner(c, lang: str) -> tuple[str, str]:
    """The message above the tiles: why nothing works (red), or a printer warning (amber)."""
    if c.state.blocked:
        return tr(c.state.blocked, lang), "error"
    if c.state.printer is PrinterStatus.PAPER_LOW:
        return tr("printer_paper_low", lang), "warning"
    return "", "error"


def session_line(c, lang: str) -> str:
    """The chosen priority group or appointment, shown until a ticket is issued."""
    if c.appointment:
        return tr("appointment_chosen", lang, code=c.appointment)
    if c.priority:
        spec = next((p for p in c.cfg.priority_classes if p.id == c.priority), None)
        name = pick(spec.name, spec.name_en, lang) if spec else c.priority
        return tr("priority_chosen", lang, name=name)
    return ""
