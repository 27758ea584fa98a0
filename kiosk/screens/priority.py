"""The priority lane: pick a group (老年人, 残疾人, ...), then a service as usual."""

from __future__ import annotations

from kivy.app import App

from kiosk import catalog
from kiosk.texts import pick
from kiosk.widgets import BigButton

from .base import KioskScreen


class PriorityScreen(KioskScreen):
    def refresh(self) -> None:
        app = App.get_running_app()
        classes = catalog.priority_classes(app.controller.cfg)
        grid = self.ids.classes_grid
        if len(grid.children) != len(classes):
            grid.clear_widgets()
            for _ in classes:
                grid.add_widget(BigButton(on_release=self.choose, color_bg=(0.85, 0.40, 0.05, 1)))
        for widget, p in zip(reversed(grid.children), classes, strict=True):
            widget.key = p.id
            widget.text = pick(p.name, p.name_en, app.lang)

    def choose(self, button: BigButton) -> None:
        App.get_running_app().choose_priority(button.key)
