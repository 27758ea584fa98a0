"""Keypad front end: hardware.keypad.Keypad keys in, status LED (and window board) out.

Key map (the keypad has no screen, so no picker and no staff id):

======== ==================================================================
call     call next (the current ticket, if any, counts as finished)
recall   call the current ticket again
no-show  held for ``hold_s``: the citizen did not come (a tap does nothing)
finish   the current ticket is done
transfer put the current ticket on hold (挂起): a screen terminal or a manager
         calls it back or transfers it, since the keypad cannot pick a service
pause    closed -> open, open -> pause, paused -> resume
======== ==================================================================

LED: steady = open (serving or idle), blinking = a ticket is called, off = paused or closed.
Offline: the LED blinks fast and the buzzer beeps three times at once; a refused key beeps twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hardware.board import WindowBoard
from hardware.window_board import BoardLine, board_line, show_line

from .controller import Action, CounterController, CounterView

log = logging.getLogger(__name__)
KEY_ACTIONS = {
    "call_next": Action.CALL_NEXT,
    "recall": Action.RECALL,
    "no_show": Action.NO_SHOW,
    "finish": Action.FINISH,
    "transfer": Action.HOLD,
    "pause": Action.TOGGLE_PAUSE,
}


class KeypadFront:
    """Binds one keypad (and optionally the window's LED board) to a controller."""

    def __init__(
        self,
        controller: CounterController,
        keypad: Any,
        board: WindowBoard | None = None,
        window_name: str = "",
        run: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self.controller, self.keypad, self.board = controller, keypad, board
        self.run = run or _in_thread  # keys wait for replies off the GPIO callback thread
        self.window_name = window_name
        self._last: CounterView | None = None
        self._shown: BoardLine | None = None

    def start(self) -> None:
        for key, action in KEY_ACTIONS.items():
            setattr(self.keypad, f"when_{key}", self._handler(action))
        self.controller.when_changed = self.show
        self.show(self.controller.view())

    def _handler(self, action: Action):  # type: ignore[no-untyped-def]
        def send() -> None:
            if not self.controller.press(action).ok:
                self.keypad.beep(0.1, 2)

        return lambda: self.run(send)

    def show(self, view: CounterView) -> None:
        """Bring the LED (and board) in line with the view; called on every change."""
        last, self._last = self._last, view
        self.keypad.set_led(view.led)
        if last is not None and last.online and not view.online:
            self.keypad.beep(0.2, 3)
        if view.online:
            self._show_board(view)

    def _show_board(self, view: CounterView) -> None:
        """The same rules as a display-driven board (hardware.window_board): the ticket at
        the window, 暂停服务 / 暂停办理 when paused or closed (nobody walks to a paused
        window), else the idle text. Offline it keeps what it shows: the board is wired
        locally, the state is not."""
        if self.board is None:
            return
        line = board_line(view)
        if line.kind == "call" and self.window_name:
            line = replace(line, window_name=self.window_name)
        if line == self._shown:
            return
        try:
            show_line(self.board, line)
            self._shown = line
        except OSError:  # hardware.errors.BoardError is one
            log.exception("window board write failed")


def _in_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, daemon=True).start()
