"""The citizen evaluator: five buttons 非常满意 (5) ... 非常不满意 (1), LEDs that ask for a rating.

One rating per ``ask()``; presses when nobody asked are ignored; ``timeout_s`` after asking
the LEDs go out and ``when_timeout`` fires. Nothing touches a pin before ``open()``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from gpiozero import LED, Button

from hardware.config import EvaluatorConfig
from hardware.debounce import Clock, Debouncer, safe_call, watch_button

LABELS_ZH = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


class Evaluator:
    """Asks for one rating at a time; ``when_rated(score)`` gets 1..5."""

    def __init__(
        self, cfg: EvaluatorConfig, pin_factory: Any = None, clock: Clock = time.monotonic
    ) -> None:
        self.cfg = cfg
        self.pin_factory = pin_factory
        self._clock = clock
        self.when_rated: Callable[[int], None] | None = None
        self.when_timeout: Callable[[], None] | None = None
        self._buttons: list[Button] = []
        self._leds: list[LED] = []
        self._lock = threading.Lock()
        self._asking = False
        self._timer: threading.Timer | None = None

    def open(self) -> None:
        for index, pin in enumerate(self.cfg.button_pins):
            button = Button(pin, pull_up=True, pin_factory=self.pin_factory)
            debouncer = Debouncer(self.cfg.debounce_ms / 1000, self._clock)
            score = 5 - index
            watch_button(button, debouncer, partial(self._pressed, score))
            self._buttons.append(button)
        self._leds = [LED(pin, pin_factory=self.pin_factory) for pin in self.cfg.led_pins]

    @property
    def is_asking(self) -> bool:
        return self._asking

    def ask(self) -> None:
        """Light the LEDs and accept exactly one rating (until timeout_s)."""
        with self._lock:
            self._stop_timer()
            self._asking = True
            self._timer = threading.Timer(self.cfg.timeout_s, self._expire)
            self._timer.daemon = True
            self._timer.start()
        for led in self._leds:
            led.on()

    def cancel(self) -> None:
        """Stop asking; LEDs off; no rating is reported."""
        with self._lock:
            self._disarm()

    def _pressed(self, score: int) -> None:
        with self._lock:
            if not self._asking:
                return
            self._disarm()
        if self.when_rated is not None:
            self.when_rated(score)

    def _expire(self) -> None:
        with self._lock:
            if not self._asking:
                return
            self._disarm()
        safe_call(self.when_timeout)

    def _disarm(self) -> None:
        self._asking = False
        self._stop_timer()
        for led in self._leds:
            led.off()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        self.cancel()
        for device in [*self._buttons, *self._leds]:
            device.close()
        self._buttons, self._leds = [], []
