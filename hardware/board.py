"""Window LED boards: the text above each counter ("A001 请到5号窗口" or the idle text).

Generic serial protocol (documented in docs/hardware.md), one frame per message:

    STX(0x02) ADDR CMD LEN_HI LEN_LO PAYLOAD... CHK ETX(0x03)

ADDR is the board address (0..255), CMD is b"T" (show text), b"C" (a call: show and flash)
or b"I" (idle text); LEN is the payload length (big-endian); PAYLOAD is the text in the
board's encoding (GB2312 by default); CHK is the XOR of ADDR, CMD, LEN and PAYLOAD bytes.
Boards do not answer. Nothing is opened in a constructor.
"""

from __future__ import annotations

import enum
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import reduce

import serial

from hardware.config import BoardConfig
from hardware.errors import BoardError, DecodeError

log = logging.getLogger(__name__)

STX, ETX = 0x02, 0x03
HEADER = 5  # STX ADDR CMD LEN_HI LEN_LO
MAX_PAYLOAD = 1024


class BoardCommand(enum.Enum):
    TEXT = b"T"
    CALL = b"C"
    IDLE = b"I"


@dataclass(frozen=True)
class BoardFrame:
    address: int
    command: BoardCommand
    text: str


def _xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def clean_text(text: str) -> str:
    """Control characters never reach a board."""
    return "".join(c for c in text if c.isprintable())


def encode_frame(address: int, command: BoardCommand, text: str, encoding: str) -> bytes:
    """One frame; characters the board's encoding lacks become '?' (logged)."""
    payload = clean_text(text).encode(encoding, errors="replace")
    if b"?" in payload and "?" not in text:
        log.warning("board text has characters outside %s", encoding)
    payload = payload[:MAX_PAYLOAD]
    body = bytes([address]) + command.value + len(payload).to_bytes(2, "big") + payload
    return bytes([STX]) + body + bytes([_xor(body), ETX])


def decode_frames(buf: bytes, encoding: str = "gb2312") -> tuple[list[BoardFrame], bytes]:
    """Whole frames in `buf` and the unfinished rest; bytes before an STX are skipped."""
    frames: list[BoardFrame] = []
    while (start := buf.find(bytes([STX]))) >= 0:
        buf = buf[start:]
        if len(buf) < HEADER:
            break
        end = HEADER + int.from_bytes(buf[3:5], "big") + 2
        if len(buf) < end:
            break
        frames.append(_decode_one(buf[:end], encoding))
        buf = buf[end:]
    else:
        buf = b""
    return frames, buf


def _decode_one(frame: bytes, encoding: str) -> BoardFrame:
    body, chk, etx = frame[1:-2], frame[-2], frame[-1]
    if etx != ETX or _xor(body) != chk:
        raise DecodeError(f"bad board frame {frame.hex()}")
    try:
        command = BoardCommand(body[1:2])
    except ValueError as exc:
        raise DecodeError(f"unknown board command {body[1:2]!r}") from exc
    return BoardFrame(body[0], command, body[4:].decode(encoding))


class WindowBoard(ABC):
    """The one window-board interface: a line of text above a window (open, show, close).

    Real: :class:`SerialWindowBoard`; fake: hardware.fakes.FakeWindowBoard. What to show for a
    window's state is decided in hardware/window_board.py.
    """

    def __init__(self, cfg: BoardConfig) -> None:
        self.cfg = cfg

    def open(self) -> None:  # noqa: B027 - optional for boards with nothing to open
        """Connect; the base class has nothing to open."""

    def close(self) -> None:  # noqa: B027
        """Disconnect; the base class has nothing to close."""

    def show(self, text: str) -> None:
        self._send(BoardCommand.TEXT, text)

    def show_call(self, ticket: str, window_name: str) -> None:
        self._send(
            BoardCommand.CALL, self.cfg.call_template.format(ticket=ticket, window=window_name)
        )

    def show_idle(self, text: str | None = None) -> None:
        self._send(BoardCommand.IDLE, self.cfg.idle_text if text is None else text)

    @abstractmethod
    def _send(self, command: BoardCommand, text: str) -> None: ...


class SerialWindowBoard(WindowBoard):
    """A board on a serial line (RS-485 adapter or TTL UART), 8N1."""

    def __init__(self, cfg: BoardConfig) -> None:
        super().__init__(cfg)
        self._port: serial.Serial | None = None

    def open(self) -> None:
        try:
            self._port = serial.Serial(self.cfg.device, self.cfg.baudrate, write_timeout=5)
        except (serial.SerialException, OSError) as exc:
            raise BoardError(f"cannot open window board {self.cfg.device}: {exc}") from exc

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    def _send(self, command: BoardCommand, text: str) -> None:
        if self._port is None:
            raise BoardError("window board is not open")
        frame = encode_frame(self.cfg.address, command, text, self.cfg.encoding)
        try:
            self._port.write(frame)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise BoardError(f"write to window board {self.cfg.device} failed: {exc}") from exc
