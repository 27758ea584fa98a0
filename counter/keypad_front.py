"""Keypad front end: hardware.keypad.Keypad keys in, status LED (and window board) out.

Key map (the keypad has no screen, so no picker and no typing):

======== ==================================================================
call     call next (the current ticket, if any, counts as finished)
recall   call the current ticket again
no-show  held for ``hold_s``: the citizen did not come (a tap does nothing)
finish   the current ticket is done
transfer put the current ticket on hold (挂起): a screen terminal or a manager
         calls it back or transfers it, since the keypad cannot pick a service
pause    closed -> open, open -> pause, paused -> resume (on release);
         held for ``sign_out_hold_s``: sign out (``close``)
======== ==================================================================

Staff card (工作证, a barcode or QR holding the staff id) through the window's scanner: on a
closed window it signs that staff member in (``open`` with ``staff``); the same card again
signs them out; another valid card hands the window over (``open`` names the new staff
member). A read that is not a staff id (``hallq.protocol.STAFF_ID_PATTERN``) changes nothing.

LED: steady = open (serving or idle), blinking = a ticket is called, off = paused or closed.
Offline: the LED blinks fast and the buzzer beeps three times at once; a refused key or card
beeps twice; a card or sign-out taken beeps once, long.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hallq.core.model import WindowStatus
from hallq.protocol import STAFF_ID_PATTERN
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
STAFF_ID = re.compile(STAFF_ID_PATTERN)


def staff_on_card(text: str) -> str | None:
    """The staff id a scanned card holds, or None when the read is not one."""
    staff = text.strip()
    return staff if STAFF_ID.fullmatch(staff) else None


class KeypadFront:
    """Binds one keypad (and optionally the window's LED board) to a controller."""

    def __init__(
        self,
        controller: CounterController,
        keypad: Any,
        board: WindowBoard | None = None,
        window_name: str = "",
        *,
        run: Callable[[Callable[[], None]], None] | None = None,
        scanner: Any = None,
    ) -> None:
        self.controller, self.keypad, self.board = controller, keypad, board
        self.scanner = scanner  # hardware.scanner.Scanner reading staff cards, or None
        self.run = run or _in_thread  # keys wait for replies off the GPIO callback thread
        self.window_name = window_name
        self._last: CounterView | None = None
        self._shown: BoardLine | None = None

    def start(self) -> None:
        for key, action in KEY_ACTIONS.items():
            setattr(self.keypad, f"when_{key}", self._handler(action))
        self.keypad.when_sign_out = lambda: self.run(self.sign_out)
        if self.scanner is not None:
            self.scanner.when_scanned = lambda text: self.run(lambda: self.card(text))
        self.controller.when_changed = self.show
        self.show(self.controller.view())

    def _handler(self, action: Action):  # type: ignore[no-untyped-def]
        def send() -> None:
            if not self.controller.press(action).ok:
                self.keypad.beep(0.1, 2)

        return lambda: self.run(send)

    def sign_out(self) -> None:
        """The pause key held: the staff member leaves, the window closes."""
        self._answer(self.controller.press(Action.SIGN_OUT).ok)

    def card(self, text: str) -> None:
        """A scanned staff card: sign in, sign out (the same card again) or hand over."""
        staff = staff_on_card(text)
        if staff is None:
            log.warning("window %s: a scanned code is not a staff id", self.controller.window)
            self.keypad.beep(0.1, 2)
            return
        view = self.controller.view()
        if view.status != WindowStatus.CLOSED and view.staff == staff:
            self._answer(self.controller.press(Action.SIGN_OUT).ok)
        else:
            self._answer(self.controller.press(Action.SIGN_IN, staff=staff).ok)

    def _answer(self, ok: bool) -> None:
        self.keypad.beep(*((0.4, 1) if ok else (0.1, 2)))

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
