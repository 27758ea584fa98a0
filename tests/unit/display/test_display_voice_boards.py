"""AnnounceQueue (order, no loss, no overlap) and WindowBoardDriver (text, only on change)."""

from __future__ import annotations

import threading

import msgspec

from display.boards import BoardLine, WindowBoardDriver, board_line
from display.fakes import RecordingAnnouncer
from display.messages import WindowState
from display.model import Announcement
from display.voice import AnnounceQueue
from hardware.board import BoardCommand, FakeWindowBoard
from hardware.config import BoardConfig
from hardware.errors import BoardError


class Board:
    def __init__(self, fail: bool = False) -> None:
        self.texts: list[str] = []
        self.fail = fail

    def show(self, text: str) -> None:
        if self.fail:
            raise OSError("serial gone")
        self.texts.append(text)


def test_burst_from_many_threads_is_said_in_arrival_order_without_overlap() -> None:
    ann = RecordingAnnouncer(busy_s=0.002)  # long enough for an overlap to show
    q = AnnounceQueue(ann)
    q.start()
    order: list[tuple[str, str, bool]] = []
    lock = threading.Lock()

    def caller(k: int) -> None:
        for i in range(5):
            with lock:  # the arrival order is what the lock serialises
                a = Announcement(f"A{k}{i:02d}", f"{k}号窗口", recall=i == 4)
                order.append((a.ticket, a.window_name, a.recall))
                q.put(a)

    threads = [threading.Thread(target=caller, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert q.wait_for_idle(10)
    q.stop()
    assert ann.said == order and len(ann.said) == 20
    assert ann.overlaps == 0


def test_failing_announcer_does_not_stop_the_queue() -> None:
    said: list[str] = []

    class Flaky:
        def announce(self, ticket: str, window_name: str, recall: bool = False) -> None:
            if ticket == "A001":
                raise RuntimeError("aplay failed")
            said.append(ticket)

    q = AnnounceQueue(Flaky())
    q.start()
    for t in ("A001", "A002"):
        q.put(Announcement(t, "1号窗口"))
    assert q.wait_for_idle(5)
    q.stop()
    assert said == ["A002"]


def state(**kw: object) -> WindowState:
    base: dict[str, object] = {"window": "w01", "name": "1号窗口", "status": "open"}
    base.update(kw)
    return WindowState(**base)  # type: ignore[arg-type]


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
    enc = msgspec.json.encode
    open_w1 = {"window": "w01", "name": "1号窗口", "status": "open"}
    d.on_message("x", enc(open_w1))
    d.on_message("x", enc({**open_w1, "served_today": 3}))
    d.on_message("x", enc({**open_w1, "ticket": "A001", "ticket_state": "called"}))
    d.on_message("x", enc({"window": "w02", "ticket": "B007", "ticket_state": "called"}))
    d.on_message("x", enc({"window": "w09", "name": "9号窗口", "status": "open"}))
    d.on_message("x", b"")
    d.on_message("x", b"{not json")
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
    d.on_window(state(ticket="A001", ticket_state="called"))
    assert b.opened == 1 and b.texts == []
    b.fail = False
    d.on_window(state(ticket="A001", ticket_state="called"))
    assert b.texts == ["A001 请到1号窗口"]
