"""Window LED boards: each window's board shows its current ticket, fed by state/window/<w>.

Headless (no Kivy): the wall display runs it for the boards in its config, and a counter
process can run it for its own window's board. Usable with any MQTT link:

    driver = WindowBoardDriver({"w01": board})
    link.subscribe(link.topics.window("+"), driver.on_message)

A board is written only when its text changes, so retained-state republishing and unrelated
fields (served_today, ratings) cost no serial traffic. A failing board is logged and retried
on the next change; it never stops the other boards.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from display.messages import BadMessage, WindowState, decode
from display.model import ACTIVE_TICKET

log = logging.getLogger(__name__)
DEFAULT_CALL = "{ticket} 请到{window}"
DEFAULT_IDLE = "欢迎光临"
PAUSED_TEXT = "暂停服务"
CLOSED_TEXT = "暂停办理"


class WindowBoard(Protocol):
    """What the driver needs from hardware.board.WindowBoard."""

    def show(self, text: str) -> object: ...


def board_text(w: WindowState, call_template: str = DEFAULT_CALL, idle: str = DEFAULT_IDLE) -> str:
    """What a window's board says for this window state."""
    if w.ticket and w.ticket_state in ACTIVE_TICKET:
        return call_template.format(ticket=w.ticket, window=w.name or w.window)
    if w.status == "paused":
        return PAUSED_TEXT
    if w.status == "closed":
        return CLOSED_TEXT
    return idle


class WindowBoardDriver:
    """Drives a set of window boards from retained window states."""

    def __init__(self, boards: dict[str, WindowBoard]) -> None:
        self.boards = boards
        self.shown: dict[str, str] = {}
        self._lock = threading.Lock()

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
        cfg = getattr(board, "cfg", None)
        text = board_text(
            w,
            getattr(cfg, "call_template", DEFAULT_CALL),
            getattr(cfg, "idle_text", DEFAULT_IDLE),
        )
        with self._lock:
            if self.shown.get(w.window) == text:
                return
            try:
                board.show(text)
            except Exception:
                log.exception("window board %s failed", w.window)
                return
            self.shown[w.window] = text
