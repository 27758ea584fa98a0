"""Window LED boards driven by retained window state from the real broker (Mosquitto + service)."""

from __future__ import annotations

import threading

from hallq.state import StateClient
from hardware.board import BoardCommand
from hardware.fakes import FakeWindowBoard
from hardware.window_board import WindowBoardDriver


class WatchedBoard(FakeWindowBoard):
    """A fake board whose test can wait for a frame."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def _send(self, command: BoardCommand, text: str) -> None:
        with self.changed:
            super()._send(command, text)
            self.changed.notify_all()

    def wait_for(self, frame: tuple[BoardCommand, str]) -> None:
        with self.changed:
            ok = self.changed.wait_for(lambda: self.frames and self.frames[-1] == frame, 20)
        assert ok, f"board never showed {frame}; frames: {self.frames}"


def test_boards_follow_their_windows_through_a_day(broker, device) -> None:  # type: ignore[no-untyped-def]
    b1, b2 = WatchedBoard(), WatchedBoard()
    driver = WindowBoardDriver({"w1": b1, "w2": b2})
    driver.start()
    link, _ = device("display1")
    StateClient(link).follow_windows(driver.windows).listen(driver.on_window)
    b1.wait_for((BoardCommand.TEXT, "暂停办理"))  # retained state at once: w1 is closed
    _c1, counter = device("counter1")
    _k, kiosk = device("kiosk1")
    counter.send("open", staff="s1")
    b1.wait_for((BoardCommand.IDLE, "欢迎光临"))
    ticket = kiosk.send("issue", service="rs01").ticket
    counter.send("call_next")
    b1.wait_for((BoardCommand.CALL, f"{ticket} 请到1号窗口"))
    counter.send("start")
    counter.send("finish")
    b1.wait_for((BoardCommand.IDLE, "欢迎光临"))
    counter.send("pause", reason="lunch")
    b1.wait_for((BoardCommand.TEXT, "暂停服务"))
    texts = [t for _, t in b1.frames]
    # one frame per change: "start" (called -> serving) shows the same call, so no rewrite
    assert texts == ["暂停办理", "欢迎光临", f"{ticket} 请到1号窗口", "欢迎光临", "暂停服务"]
    assert b2.frames == [(BoardCommand.TEXT, "暂停办理")]  # w2 never opened
    driver.stop()
