"""What a window's LED board shows for the window's state, and a driver for a set of boards.

The board itself is hardware.board.WindowBoard (serial) or hardware.fakes.FakeWindowBoard; this
module holds the one rule for its text, shared by the wall display (which drives the boards of
its windows) and a keypad counter (which drives its own window's board):

    driver = WindowBoardDriver({"w01": SerialWindowBoard(cfg)})
    driver.start()  # opens the boards
    StateClient(link).follow_windows(driver.windows).listen(driver.on_window)

A board is written only when its text changes, so retained-state republishing and unrelated
fields (served_today, ratings) cost no serial traffic. A failing board is logged, reopened
and retried on its next window state; it never stops the other boards.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from hallq.contract import WindowState
from hallq.core.model import TicketState, WindowStatus
from hardware.board import WindowBoard

log = logging.getLogger(__name__)
ACTIVE_TICKET = frozenset({TicketState.CALLED, TicketState.SERVING})
PAUSED_TEXT = "暂停服务"
CLOSED_TEXT = "暂停办理"


@dataclass(frozen=True)
class BoardLine:
    """What one board should show: a call, the idle text, or a fixed text."""

    kind: Literal["call", "idle", "text"]
    ticket: str = ""
    window_name: str = ""
    text: str = ""


def board_line(w: WindowState) -> BoardLine:
    """What a window's board says for this window state."""
    if w.ticket and w.ticket_state in ACTIVE_TICKET:
        return BoardLine("call", ticket=w.ticket, window_name=w.name or w.window)
    if w.status == WindowStatus.PAUSED:
        return BoardLine("text", text=PAUSED_TEXT)
    if w.status == WindowStatus.CLOSED:
        return BoardLine("text", text=CLOSED_TEXT)
    return BoardLine("idle")


def show_line(board: WindowBoard, line: BoardLine) -> None:
    """Write one BoardLine to a board."""
    if line.kind == "call":
        board.show_call(line.ticket, line.window_name)
    elif line.kind == "idle":
        board.show_idle()
    else:
        board.show(line.text)


class WindowBoardDriver:
    """Drives a set of window boards from window states (any thread)."""

    def __init__(self, boards: dict[str, WindowBoard]) -> None:
        self.boards = boards
        self.shown: dict[str, BoardLine] = {}
        self._lock = threading.Lock()

    @property
    def windows(self) -> list[str]:
        """The windows whose state the boards need."""
        return sorted(self.boards)

    def start(self) -> None:
        """Open every board; one that fails is logged and retried on its next change."""
        for window, board in self.boards.items():
            self._try(window, board.open)

    def stop(self) -> None:
        for window, board in self.boards.items():
            self._try(window, board.close)

    def on_window(self, _key: str, w: WindowState | None) -> None:
        """A state-client listener: a cleared state (None) changes nothing."""
        if w is None:
            return
        board = self.boards.get(w.window)
        if board is None:
            return
        line = board_line(w)
        with self._lock:
            if self.shown.get(w.window) == line:
                return
            if self._try(w.window, lambda: show_line(board, line)):
                self.shown[w.window] = line
            else:
                self.shown.pop(w.window, None)
                self._try(w.window, board.open)  # reopen: a USB adapter may have come back

    @staticmethod
    def _try(window: str, action: Callable[[], object]) -> bool:
        try:
            action()
        except Exception as exc:
            log.warning("window board %s: %s", window, exc)
            return False
        return True
