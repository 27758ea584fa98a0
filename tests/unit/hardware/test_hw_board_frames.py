"""Board framing: encode/decode, checksum, split streams, fake board."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.board import BoardCommand, BoardFrame, decode_frames, encode_frame
from hardware.config import BoardConfig
from hardware.errors import DecodeError
from hardware.fakes import FakeWindowBoard


def test_exact_frame_bytes() -> None:
    frame = encode_frame(1, BoardCommand.TEXT, "请", "gb2312")
    body = b"\x01T\x00\x02\xc7\xeb"
    chk = 0x01 ^ ord("T") ^ 0x00 ^ 0x02 ^ 0xC7 ^ 0xEB
    assert frame == b"\x02" + body + bytes([chk]) + b"\x03"


def test_bad_checksum_is_rejected() -> None:
    frame = bytearray(encode_frame(1, BoardCommand.TEXT, "A001", "gb2312"))
    frame[-2] ^= 0xFF
    with pytest.raises(DecodeError):
        decode_frames(bytes(frame))


def test_unencodable_characters_become_question_marks_and_controls_are_dropped() -> None:
    frames, _ = decode_frames(encode_frame(2, BoardCommand.TEXT, "A\x07B€", "gb2312"))
    assert frames == [BoardFrame(2, BoardCommand.TEXT, "AB?")]


@given(
    texts=st.lists(
        st.text(st.characters(codec="gb2312", categories=["L", "N", "P", "Zs"]), max_size=30),
        min_size=1,
        max_size=5,
    ),
    cut=st.integers(min_value=0, max_value=200),
    noise=st.binary(max_size=5).filter(lambda b: 2 not in b),
)
def test_stream_split_anywhere_decodes_the_same(texts: list[str], cut: int, noise: bytes) -> None:
    stream = noise + b"".join(encode_frame(7, BoardCommand.CALL, t, "gb2312") for t in texts)
    cut = min(cut, len(stream))
    first, rest = decode_frames(stream[:cut])
    second, left = decode_frames(rest + stream[cut:])
    assert [f.text for f in first + second] == texts
    assert left == b""


def test_fake_board_records_texts() -> None:
    board = FakeWindowBoard(BoardConfig(call_template="{window}: {ticket}"))
    board.show_call("B012", "3号窗口")
    board.show_idle()
    assert board.texts == ["3号窗口: B012", "欢迎光临"]
    assert board.frames[0][0] is BoardCommand.CALL
