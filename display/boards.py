"""Window LED boards: each window's board shows its current ticket, fed by state/window/<w>.

Headless (no Kivy): the wall display runs it for the boards in its config, and a counter
process can run it for its own window's board. Usable with any MQTT link:

    driver = WindowBoardDriver({"w01": SerialWindowBoard(cfg)})
    driver.start()  # opens the boards
    link.subscribe(link.topics.window("+"), driver.on_message)

A board is written only when its text changes, so retained-state republishing and unrelated
fields (served_today, ratings) cost no serial traffic. A failing board is logged, reopened
and retried on its next window state; it never stops the other boards.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from display.messages import BadMessage, WindowState, decode
from display.model import ACTIVE_TICKET

log = logging.getLogger(__name__)
PAUSED_TEXT = "暂停服务"
CLOSED_TEXT = "暂停办理"


class WindowBoard(Protocol):
    """What the driver needs from hardware.board.WindowBoard."""

    def open(self) -> None: ...
    def close(self) -> None: ...
    def show(self, text: str) -> None: ...
    def show_call(self, ticket: str, window_name: str) -> None: ...
    def show_idle(self, text: str | None = None) -> None: ...


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
    if w.status == "paused":
        return BoardLine("text", text=PAUSED_TEXT)
    if w.status == "closed":
        return BoardLine("text", text=CLOSED_TEXT)
    return BoardLine("idle")


class WindowBoardDriver:
    """Drives a set of window boards from retained window states."""

    def __init__(self, boards: dict[str, WindowBoard]) -> None:
        self.boards = boards
        self.shown: dict[str, BoardLine] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Open every board; one that fails is logged and retried on its next change."""
        for window, board in self.boards.items():
            self._try(window, board.open)

    def stop(self) -> None:
        for window, board in self.boards.items():
            self._try(window, board.close)

    def on_message(self, _topic: str, payload: bytes) -> None:
        """MQTT handler for state/window/+ (any thread)."""
        if not payload:
            return  # a cleared retained message
        try:
            w = decode(payload, WindowState)
        except BadMessage as exc:
            log.warning("ignoring window state: %s", exc)
            return
        self.on_window(w)

    def on_window(self, w: WindowState) -> None:
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


def show_line(board: WindowBoard, line: BoardLine) -> None:
    """Write one BoardLine to a board (also used by a counter that drives its own board)."""
    if line.kind == "call":
        board.show_call(line.ticket, line.window_name)
    elif line.kind == "idle":
        board.show_idle()
    else:
        board.show(line.text)
