"""A window LED board on a socat pty pair with a fake board decoding frames at the far end."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator

import pytest
from hw_helpers import PtyPair, wait_for

from hardware.board import BoardCommand, BoardFrame, SerialWindowBoard, decode_frames
from hardware.config import BoardConfig
from hardware.errors import BoardError, HardwareError


class FakeBoard:
    """Reads the pty, decodes frames as a board's firmware would."""

    def __init__(self, device: str, encoding: str = "gb2312") -> None:
        self.fd = os.open(device, os.O_RDWR | os.O_NOCTTY)
        self.encoding = encoding
        self.frames: list[BoardFrame] = []
        self.raw = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        rest = b""
        while not self.stop.is_set():
            if select.select([self.fd], [], [], 0.05)[0]:
                chunk = os.read(self.fd, 4096)
                self.raw += chunk
                frames, rest = decode_frames(rest + chunk, self.encoding)
                self.frames.extend(frames)


@pytest.fixture
def fake_board(pty_pair: PtyPair) -> Iterator[FakeBoard]:
    board = FakeBoard(pty_pair.theirs)
    board.thread.start()
    try:
        yield board
    finally:
        board.stop.set()
        board.thread.join()
        os.close(board.fd)


def test_call_idle_and_text_frames_arrive(pty_pair: PtyPair, fake_board: FakeBoard) -> None:
    board = SerialWindowBoard(BoardConfig(device=pty_pair.ours, address=5))
    board.open()
    try:
        board.show_call("A001", "5号窗口")
        board.show_idle()
        board.show("暂停服务，请稍候")
    finally:
        board.close()
    wait_for(lambda: len(fake_board.frames) == 3)
    assert fake_board.frames == [
        BoardFrame(5, BoardCommand.CALL, "A001 请到5号窗口"),
        BoardFrame(5, BoardCommand.IDLE, "欢迎光临"),
        BoardFrame(5, BoardCommand.TEXT, "暂停服务，请稍候"),
    ]
    first = bytes(fake_board.raw[: 5 + len("A001 请到5号窗口".encode("gb2312")) + 2])
    assert first[:5] == b"\x02\x05C\x00\x10" and first[-1] == 0x03


def test_missing_board_device_is_a_board_error() -> None:
    board = SerialWindowBoard(BoardConfig(device="/dev/no-such-board"))
    with pytest.raises(BoardError) as info:
        board.open()
    assert isinstance(info.value, HardwareError)
    with pytest.raises(BoardError):
        board.show("x")
