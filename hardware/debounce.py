"""Contact debounce in our own code: gpiozero's MockFactory ignores ``bounce_time``.

A press is accepted only when the line was quiet (no edge at all) for ``debounce_s`` before
it. Chatter when a key goes down, and chatter when it comes back up, are both ignored.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from gpiozero import Button

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class Debouncer:
    """Decides for each edge of one contact whether it is a real press."""

    def __init__(self, debounce_s: float, clock: Clock = time.monotonic) -> None:
        self.debounce_s = debounce_s
        self._clock = clock
        self._last_edge = -math.inf
        self._lock = threading.Lock()

    def edge(self, pressed: bool) -> bool:
        """Record an edge; True when it is a press that follows a quiet line."""
        with self._lock:
            now = self._clock()
            quiet = now - self._last_edge >= self.debounce_s
            self._last_edge = now
        return pressed and quiet


def watch_button(button: Button, debouncer: Debouncer, on_press: Callable[[], None]) -> None:
    """Route a gpiozero Button's edges through `debouncer`; call `on_press` for real presses."""

    def pressed() -> None:
        if debouncer.edge(True):
            safe_call(on_press)

    def released() -> None:
        debouncer.edge(False)

    button.when_pressed = pressed
    button.when_released = released


def safe_call(callback: Callable[[], None] | None) -> None:
    """Run a user callback from a GPIO thread; an exception is logged, not lost in gpiozero."""
    if callback is None:
        return
    try:
        callback()
    except Exception:
        log.exception("button callback failed")
