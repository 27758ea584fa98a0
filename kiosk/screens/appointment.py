"""Appointment check-in: type the code on the keypad, or scan it (serial or keyboard-wedge)."""

from __future__ import annotations

from kivy.app import App
from kivy.core.window import Window
from kivy.properties import StringProperty

from kiosk import catalog
from kiosk.texts import tr

from .base import KioskScreen

MAX_LEN = 12


class AppointmentScreen(KioskScreen):
    code = StringProperty("")
    error_text = StringProperty("")

    def on_enter(self, *a) -> None:
        super().on_enter(*a)
        self.code, self.error_text = "", ""
        Window.bind(on_textinput=self._typed, on_key_down=self._key)

    def on_pre_leave(self, *a) -> None:
        Window.unbind(on_textinput=self._typed, on_key_down=self._key)
        super().on_pre_leave(*a)

    def press(self, key: str) -> None:
        """A keypad key: a digit, "del" or "clear"."""
        self.error_text = ""
        if key == "del":
            self.code = self.code[:-1]
        elif key == "clear":
            self.code = ""
        elif len(self.code) < MAX_LEN:
            self.code += key

    def submit(self) -> None:
        code = self.code.strip().upper()
        if not catalog.valid_code(code):
            self.error_text = tr("appointment_bad", App.get_running_app().lang)
            return
        App.get_running_app().check_in(code)

    def scanned(self, code: str) -> None:
        self.code = code.strip().upper()[:MAX_LEN]
        self.submit()

    def _typed(self, _w, text: str) -> None:  # a keyboard-wedge scanner types here
        if text.isascii() and text.isalnum():
            self.press(text.upper())

    def _key(self, _w, key: int, *_a) -> bool:
        if key in (13, 271):  # Enter, keypad Enter: wedge scanners end a code with it
            self.submit()
            return True
        if key == 8:
            self.press("del")
            return True
        return False
