"""Appointment check-in: type the code on the keypad, or scan it (serial or keyboard-wedge).

A booking code (hallq/booking.py) has 16 digits and capitals, so the keypad has a letter page
("ABC"; back with "123") beside the digits; the code is shown in groups of four as printed.
"""

from __future__ import annotations

from kivy.app import App
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty

from hallq.booking import ALPHABET, LENGTH
from kiosk import catalog
from kiosk.texts import tr

from .base import KioskScreen

MAX_LEN = LENGTH
DIGIT_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "letters", "0", "del")
LETTER_KEYS = (*ALPHABET[10:], "digits", "del")  # the 22 letters a code can hold
LABELS = {"letters": "ABC", "digits": "123", "del": "←"}


def grouped(code: str) -> str:
    """``ABCD EFGH JK``: in fours, as the ticket prints it."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


class AppointmentScreen(KioskScreen):
    code = StringProperty("")
    error_text = StringProperty("")
    letters = BooleanProperty(False)  # the keypad shows letters instead of digits

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        self._build_keys()

    def on_letters(self, *_a) -> None:
        self._build_keys()

    def on_enter(self, *a) -> None:
        super().on_enter(*a)
        self.code, self.error_text, self.letters = "", "", False
        Window.bind(on_textinput=self._typed, on_key_down=self._key)

    def on_pre_leave(self, *a) -> None:
        Window.unbind(on_textinput=self._typed, on_key_down=self._key)
        super().on_pre_leave(*a)

    def press(self, key: str) -> None:
        """A keypad key: a character, "del", "clear", "letters" or "digits"."""
        self.error_text = ""
        if key in ("letters", "digits"):
            self.letters = key == "letters"
        elif key == "del":
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

    def _build_keys(self) -> None:
        grid = self.ids.keypad_grid
        grid.clear_widgets()
        grid.cols = 6 if self.letters else 3
        for key in LETTER_KEYS if self.letters else DIGIT_KEYS:
            button = Factory.KeyButton(text=LABELS.get(key, key))
            if key in ("letters", "digits"):
                button.text_scale = 1.0  # "123" on one line in a narrow key
            button.bind(on_release=lambda _b, k=key: self.press(k))
            grid.add_widget(button)

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
