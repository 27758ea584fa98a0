"""The counter keypad: six keys, a status LED and an optional buzzer (gpiozero).

Keys are wired between the GPIO pin and ground (internal pull-up). No-show is destructive, so
it fires only after the key is held for ``hold_s``. Pause fires when a tap is released; held
for ``sign_out_hold_s`` it fires ``when_sign_out`` instead (and no pause). Nothing touches a
pin before ``open()``.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import Any

from gpiozero import LED, Button, Buzzer

from hardware.config import KeypadConfig
from hardware.debounce import Clock, Debouncer, safe_call, watch_button

Callback = Callable[[], None] | None


class Key(enum.Enum):
    CALL_NEXT = "call_next"
    RECALL = "recall"
    NO_SHOW = "no_show"
    FINISH = "finish"
    TRANSFER = "transfer"
    PAUSE = "pause"


class LedMode(enum.Enum):
    """The status LED (one enum: the counter's controller decides, the keypad shows)."""

    STEADY = "steady"  # open: serving, or idle
    BLINK = "blink"  # a ticket is called, the citizen has not arrived yet
    FAST_BLINK = "fast_blink"  # offline
    OFF = "off"  # paused or closed


class Keypad:
    """Buttons in, callbacks out: ``when_call_next`` ... ``when_pause``."""

    def __init__(
        self, cfg: KeypadConfig, pin_factory: Any = None, clock: Clock = time.monotonic
    ) -> None:
        self.cfg = cfg
        self.pin_factory = pin_factory
        self._clock = clock
        self.when_call_next: Callback = None
        self.when_recall: Callback = None
        self.when_no_show: Callback = None
        self.when_finish: Callback = None
        self.when_transfer: Callback = None
        self.when_pause: Callback = None
        self.when_sign_out: Callback = None  # the pause key held for ``sign_out_hold_s``
        self._buttons: dict[Key, Button] = {}
        self._led: LED | None = None
        self._buzzer: Buzzer | None = None
        self.led_mode = LedMode.OFF

    def open(self) -> None:
        for key in Key:
            self._buttons[key] = self._make_button(key)
        self._led = LED(self.cfg.led, pin_factory=self.pin_factory)
        if self.cfg.buzzer is not None:
            self._buzzer = Buzzer(self.cfg.buzzer, pin_factory=self.pin_factory)

    def _make_button(self, key: Key) -> Button:
        pin = getattr(self.cfg, key.value)
        hold = self.cfg.sign_out_hold_s if key is Key.PAUSE else self.cfg.hold_s
        button = Button(pin, pull_up=True, hold_time=hold, pin_factory=self.pin_factory)
        debouncer = Debouncer(self.cfg.debounce_ms / 1000, self._clock)
        if key is Key.PAUSE:
            self._watch_pause(button, debouncer)
        elif key is Key.NO_SHOW:
            button.when_held = lambda: safe_call(self.when_no_show)
            button.when_pressed = lambda: debouncer.edge(True)
            button.when_released = lambda: debouncer.edge(False)
        else:
            watch_button(button, debouncer, lambda: self._fire(key))
        return button

    def _watch_pause(self, button: Button, debouncer: Debouncer) -> None:
        """One press of pause is a tap (``when_pause`` on release) or a hold (``when_sign_out``
        once ``sign_out_hold_s`` passed, then nothing on release). A press starts after a quiet
        line; edges within ``debounce_s`` of its start are its bounce, not a release."""
        press = {"at": 0.0, "active": False, "held": False}

        def pressed() -> None:
            if debouncer.edge(True):
                press.update(at=self._clock(), active=True, held=False)

        def held() -> None:
            if press["active"]:
                press["held"] = True
                safe_call(self.when_sign_out)

        def released() -> None:
            debouncer.edge(False)
            if not press["active"] or self._clock() - press["at"] < debouncer.debounce_s:
                return  # no press under way, or its own bounce
            press["active"] = False
            if not press["held"]:
                safe_call(self.when_pause)

        button.when_pressed, button.when_held, button.when_released = pressed, held, released

    def _fire(self, key: Key) -> None:
        safe_call(getattr(self, f"when_{key.value}"))

    @property
    def is_open(self) -> bool:
        return bool(self._buttons)

    def set_led(self, mode: LedMode) -> None:
        """Steady while serving, blinking while calling (fast when offline), off while paused."""
        led = self._led
        if led is None:
            return
        if mode is LedMode.STEADY:
            led.on()
        elif mode in (LedMode.BLINK, LedMode.FAST_BLINK):
            period = self.cfg.blink_s / (4 if mode is LedMode.FAST_BLINK else 1)
            led.blink(on_time=period, off_time=period, background=True)
        else:
            led.off()
        self.led_mode = mode

    def beep(self, seconds: float = 0.1, times: int = 1) -> None:
        """Short beep(s) on the buzzer, if one is fitted; returns at once."""
        if self._buzzer is not None:
            self._buzzer.beep(on_time=seconds, off_time=seconds, n=times, background=True)

    def close(self) -> None:
        for device in [*self._buttons.values(), self._led, self._buzzer]:
            if device is not None:
                device.close()
        self._buttons.clear()
        self._led = self._buzzer = None
