"""Parse ESC/POS bytes back into what a printer would do: text lines, QR codes, images, cut.

It understands exactly the commands hallq's encoder (and python-escpos' basics) send and
raises DecodeError on anything else, so a test notices an unexpected byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

from hardware.errors import DecodeError


@dataclass(frozen=True)
class TextLine:
    text: str
    align: int = 0
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True)
class QrCode:
    data: str
    module: int
    align: int


@dataclass(frozen=True)
class Raster:
    image: Image.Image
    align: int


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class Cut:
    partial: bool


Item = TextLine | QrCode | Raster | Feed | Cut


@dataclass
class Decoded:
    """Everything a ticket's bytes did, in order."""

    items: list[Item] = field(default_factory=list)
    double_byte: bool = False

    @property
    def lines(self) -> list[str]:
        return [i.text for i in self.items if isinstance(i, TextLine)]

    @property
    def qr_payloads(self) -> list[str]:
        return [i.data for i in self.items if isinstance(i, QrCode)]

    @property
    def cut(self) -> bool:
        return any(isinstance(i, Cut) for i in self.items)


@dataclass
class _State:
    data: bytes
    encoding: str
    pos: int = 0
    align: int = 0
    width: int = 1
    height: int = 1
    bold: bool = False
    qr_module: int = 3
    qr_data: bytes = b""
    text: bytearray = field(default_factory=bytearray)
    out: Decoded = field(default_factory=Decoded)

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(f"truncated command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def flush_line(self) -> None:
        codec = self.encoding if self.out.double_byte else "cp437"
        try:
            text = self.text.decode(codec)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"text before byte {self.pos} is not {codec}: {exc}") from exc
        self.out.items.append(TextLine(text, self.align, self.width, self.height, self.bold))
        self.text.clear()


def decode(data: bytes, encoding: str = "gb18030") -> Decoded:
    """Decode ESC/POS bytes; text in double-byte mode is decoded with `encoding`."""
    st = _State(data, encoding)
    while st.pos < len(data):
        byte = st.take(1)
        if byte == b"\n":
            st.flush_line()
        elif byte in _PREFIXES:
            _PREFIXES[byte](st)
        else:
            st.text += byte
    if st.text:
        st.flush_line()
    return st.out


def _esc(st: _State) -> None:
    cmd = st.take(1)
    if cmd == b"@":
        st.align, st.width, st.height, st.bold = 0, 1, 1, False
        st.out.double_byte = False
    elif cmd == b"a":
        st.align = st.take(1)[0] % 48
    elif cmd == b"E":
        st.bold = bool(st.take(1)[0] & 1)
    elif cmd == b"d":
        st.out.items.append(Feed(st.take(1)[0]))
    elif cmd == b"t":
        st.take(1)
    else:
        raise DecodeError(f"unknown ESC {cmd!r} at byte {st.pos - 2}")


def _fs(st: _State) -> None:
    cmd = st.take(1)
    if cmd == b"&":
        st.out.double_byte = True
    elif cmd == b".":
        st.out.double_byte = False
    elif cmd == b"(":
        length = int.from_bytes(st.take(3)[1:], "little")
        st.take(length)
    else:
        raise DecodeError(f"unknown FS {cmd!r} at byte {st.pos - 2}")


def _gs(st: _State) -> None:
    cmd = st.take(1)
    if cmd == b"!":
        n = st.take(1)[0]
        st.width, st.height = (n >> 4) + 1, (n & 0x0F) + 1
    elif cmd == b"V":
        mode = st.take(1)[0]
        if mode in (65, 66):
            st.take(1)
        st.out.items.append(Cut(partial=mode in (1, 49, 66)))
    elif cmd == b"(":
        _gs_paren(st)
    elif cmd == b"v":
        _raster(st)
    else:
        raise DecodeError(f"unknown GS {cmd!r} at byte {st.pos - 2}")


def _gs_paren(st: _State) -> None:
    if st.take(1) != b"k":
        raise DecodeError(f"unknown GS ( command at byte {st.pos - 3}")
    length = int.from_bytes(st.take(2), "little")
    body = st.take(length)
    cn, fn, rest = body[0:1], body[1:2], body[2:]
    if cn != b"1":
        raise DecodeError(f"GS ( k for symbol {cn!r} is not QR")
    if fn == b"C":
        st.qr_module = rest[0]
    elif fn == b"P":
        st.qr_data = rest[1:]
    elif fn == b"Q":
        st.out.items.append(QrCode(st.qr_data.decode("utf-8"), st.qr_module, st.align))


def _raster(st: _State) -> None:
    if st.take(2)[0:1] != b"0":
        raise DecodeError(f"unknown GS v command at byte {st.pos - 4}")
    width_bytes = int.from_bytes(st.take(2), "little")
    height = int.from_bytes(st.take(2), "little")
    bits = bytes(b ^ 0xFF for b in st.take(width_bytes * height))
    image = Image.frombytes("1", (width_bytes * 8, height), bits)
    st.out.items.append(Raster(image, st.align))


def _dle(st: _State) -> None:
    st.take(2)  # DLE EOT n: a status query, prints nothing


_PREFIXES: dict[bytes, Callable[[_State], None]] = {
    b"\x1b": _esc,
    b"\x1c": _fs,
    b"\x1d": _gs,
    b"\x10": _dle,
}
