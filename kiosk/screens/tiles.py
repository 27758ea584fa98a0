"""What the home and services screens share: tiles under the status banner and session line."""

from __future__ import annotations

import time

from kivy.app import App
from kivy.properties import StringProperty

from hardware.printer import PrinterStatus
from kiosk.state import TileView
from kiosk.texts import pick, tr
from kiosk.widgets import Tile

from .base import KioskScreen


class TileScreen(KioskScreen):
    """A grid of :class:`Tile` (``ids.tiles_grid``); a tap calls ``tapped(tile)``."""

    banner_text = StringProperty("")
    banner_level = StringProperty("error")
    session_text = StringProperty("")

    def show_tiles(self, tiles: list[TileView]) -> None:
        """Render the banner, the session line and ``tiles`` (rebuilt only when keys change)."""
        app = App.get_running_app()
        self.banner_text, self.banner_level = banner(app.controller, app.lang)
        self.session_text = session_line(app.controller, app.lang)
        grid = self.ids.tiles_grid
        if [w.key for w in reversed(grid.children)] != [t.key for t in tiles]:
            grid.clear_widgets()
            for _ in tiles:
                grid.add_widget(Tile(on_release=self.tapped))
        now, tz = time.time(), app.controller.cfg.hall.timezone
        for widget, tile in zip(reversed(grid.children), tiles, strict=True):
            widget.show(tile, app.lang, now, tz)

    def tapped(self, tile: Tile) -> None:
        raise NotImplementedError


def banner(c, lang: str) -> tuple[str, str]:
    """The message above the tiles: why nothing works (red), or a printer warning (amber)."""
    if c.state.blocked:
        return tr(c.state.blocked, lang), "error"
    if c.state.is_offline_issuing:
        return tr("offline_issuing", lang), "warning"
    if c.state.printer is PrinterStatus.PAPER_LOW:
        return tr("printer_paper_low", lang), "warning"
    return "", "error"


def session_line(c, lang: str) -> str:
    """The chosen priority group or appointment, shown until a ticket is issued."""
    if c.appointment:
        code = " ".join(c.appointment[i : i + 4] for i in range(0, len(c.appointment), 4))
        return tr("appointment_chosen", lang, code=code)
    if c.priority:
        spec = next((p for p in c.cfg.priority_classes if p.id == c.priority), None)
        name = pick(spec.name, spec.name_en, lang) if spec else c.priority
        return tr("priority_chosen", lang, name=name)
    return ""
