"""The one announcement queue (order, no loss, no overlap) and the window boards' driver."""

from __future__ import annotations

import threading
from typing import Any

import msgspec

from hallq.contract import WindowState, decode
from hardware.board import BoardCommand
from hardware.config import BoardConfig, VoiceConfig
from hardware.errors import BoardError
from hardware.fakes import FakeAnnouncer, FakeWindowBoard
from hardware.voice import Announcer, Call
from hardware.window_board import BoardLine, WindowBoardDriver, board_line


def test_burst_from_many_threads_is_said_in_arrival_order_without_overlap() -> None:
    ann = FakeAnnouncer(busy_s=0.002)  # long enough for an overlap to show
    order: list[Call] = []
    lock = threading.Lock()

    def caller(k: int) -> None:
        for i in range(5):
            with lock:  # the arrival order is what the lock serialises
                call = Call(f"A{k}{i:02d}", f"{k}号窗口", recall=i == 4, lang="zh")
                order.append(call)
                ann.announce(call.ticket, call.window_name, recall=call.recall)

    threads = [threading.Thread(target=caller, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ann.wait_idle(10)
    ann.close()
    assert ann.announced == order and len(ann.announced) == 20
    assert ann.overlaps == 0


def test_failing_announcer_does_not_stop_the_queue() -> None:
    said: list[str] = []

    def play(rendered: Any) -> None:
        if rendered == "A001":
            raise RuntimeError("aplay failed")
        said.append(rendered)

    class Flaky(Announcer):
        def render_call(
            self,
            ticket: str,
            window_name: str,
            lang: str | None = None,
            form: Any = None,
            service: str = "",
            **_how: Any,
        ) -> Any:
            return ticket  # what play() gets: no espeak needed

    q = Flaky(VoiceConfig(), play=play)
    for t in ("A001", "A002"):
        q.announce(t, "1号窗口")
    assert q.wait_idle(5)
    q.close()
    assert said == ["A002"]


def state(**kw: object) -> WindowState:
    base: dict[str, object] = {"window": "w01", "name": "1号窗口", "status": "open"}
    base.update(kw)
    return decode(msgspec.json.encode(base), WindowState)


def test_board_line_for_each_window_situation() -> None:
    called = board_line(state(ticket="A001", ticket_state="called"))
    assert called == BoardLine("call", ticket="A001", window_name="1号窗口")
    assert board_line(state(ticket="A001", ticket_state="serving")).kind == "call"
    assert board_line(state(ticket="A001", ticket_state="done")) == BoardLine("idle")
    assert board_line(state(status="paused")) == BoardLine("text", text="暂停服务")
    assert board_line(state(status="closed")) == BoardLine("text", text="暂停办理")


def test_driver_writes_only_its_boards_and_only_on_change() -> None:
    b1, b2 = FakeWindowBoard(), FakeWindowBoard(BoardConfig(call_template="{ticket}"))
    d = WindowBoardDriver({"w01": b1, "w02": b2})
    d.start()
    d.on_window("w01", state())
    d.on_window("w01", state(served_today=3))
    d.on_window("w01", state(ticket="A001", ticket_state="called"))
    d.on_window("w02", state(window="w02", name="", ticket="B007", ticket_state="called"))
    d.on_window("w09", state(window="w09", name="9号窗口"))
    d.on_window("w01", None)  # a cleared retained message
    assert b1.frames == [(BoardCommand.IDLE, "欢迎光临"), (BoardCommand.CALL, "A001 请到1号窗口")]
    assert b2.texts == ["B007"]


class FlakyBoard(FakeWindowBoard):
    def __init__(self) -> None:
        super().__init__()
        self.fail = True
        self.opened = 0

    def open(self) -> None:
        self.opened += 1

    def _send(self, command: BoardCommand, text: str) -> None:
        if self.fail:
            raise BoardError("write to window board failed")
        super()._send(command, text)


def test_failing_board_is_reopened_and_retried_on_next_message() -> None:
    b = FlakyBoard()
    d = WindowBoardDriver({"w01": b})
    d.on_window("w01", state(ticket="A001", ticket_state="called"))
    assert b.opened == 1 and b.texts == []
    b.fail = False
    d.on_window("w01", state(ticket="A001", ticket_state="called"))
    assert b.texts == ["A001 请到1号窗口"]
