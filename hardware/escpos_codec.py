"""Our own ESC/POS encoder for Chinese tickets.

python-escpos' encoder turns "：，。" into '?' and never sends FS &, so Chinese text is encoded
here: ``FS &`` (double-byte mode) and then GB18030 (or GBK / Big5 / UTF-8) bytes. The ticket
number is printed as text at up to 8x size; the QR code is the native ``GS ( k`` command with
the alignment set first, or a ``GS v 0`` raster image for printers without native QR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import qrcode
from PIL import Image

from hardware.errors import EncodeError
from hardware.ticket import TicketPrint, info_lines, text_columns, wrap_columns

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INIT = ESC + b"@"
DOUBLE_BYTE_ON = FS + b"&"
DOUBLE_BYTE_OFF = FS + b"."
UTF8_SELECT = FS + b"(C\x02\x00\x30\x02"
ALIGN = {"left": 0, "center": 1, "right": 2}
PRINTABLE_DOTS = {58: 384, 80: 576}
FONT_A_DOTS = 12  # width of one ASCII column; a CJK character takes two
QR_EC_M = 49


@dataclass(frozen=True)
class Layout:
    """How to encode: paper, text encoding, cutter and QR mode."""

    paper_mm: Literal[58, 80] = 58
    encoding: str = "gb18030"
    cutter: bool = False
    qr: Literal["native", "image"] = "native"

    @property
    def dots(self) -> int:
        return PRINTABLE_DOTS[self.paper_mm]

    @property
    def columns(self) -> int:
        return self.dots // FONT_A_DOTS


class EscPosWriter:
    """Accumulates ESC/POS commands; each method appends one command and returns self."""

    def __init__(self, encoding: str = "gb18030") -> None:
        self.encoding = encoding
        self.buf = bytearray()

    def raw(self, data: bytes) -> EscPosWriter:
        self.buf += data
        return self

    def init(self) -> EscPosWriter:
        self.raw(INIT + DOUBLE_BYTE_ON)
        return self.raw(UTF8_SELECT) if self.encoding == "utf-8" else self

    def align(self, where: Literal["left", "center", "right"]) -> EscPosWriter:
        return self.raw(ESC + b"a" + bytes([ALIGN[where]]))

    def size(self, width: int = 1, height: int = 1) -> EscPosWriter:
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise EncodeError(f"character size {width}x{height} outside 1..8")
        return self.raw(GS + b"!" + bytes([(width - 1) << 4 | (height - 1)]))

    def bold(self, on: bool) -> EscPosWriter:
        return self.raw(ESC + b"E" + bytes([int(on)]))

    def line(self, text: str) -> EscPosWriter:
        try:
            encoded = text.encode(self.encoding)
        except (UnicodeEncodeError, LookupError) as exc:
            raise EncodeError(f"cannot encode {text!r} as {self.encoding}: {exc}") from exc
        return self.raw(encoded + LF)

    def feed(self, lines: int) -> EscPosWriter:
        return self.raw(ESC + b"d" + bytes([lines]))

    def qr_native(self, data: str, module: int) -> EscPosWriter:
        payload = data.encode("utf-8")
        store_len = len(payload) + 3
        if store_len > 7092:
            raise EncodeError("QR payload too long")
        self.raw(GS + b"(k\x04\x001A2\x00")  # model 2
        self.raw(GS + b"(k\x03\x001C" + bytes([module]))
        self.raw(GS + b"(k\x03\x001E" + bytes([QR_EC_M]))
        self.raw(GS + b"(k" + store_len.to_bytes(2, "little") + b"1P0" + payload)
        return self.raw(GS + b"(k\x03\x001Q0" + LF)

    def raster(self, image: Image.Image) -> EscPosWriter:
        return self.raw(raster_bytes(image) + LF)

    def cut(self, cutter: bool) -> EscPosWriter:
        if cutter:
            return self.feed(4).raw(GS + b"VB\x00")
        return self.feed(6)

    def getvalue(self) -> bytes:
        return bytes(self.buf)


def raster_bytes(image: Image.Image) -> bytes:
    """``GS v 0`` raster bit image: 1 bit per dot, MSB first, 1 = black."""
    mono = image.convert("1")
    width_bytes = (mono.width + 7) // 8
    padded = Image.new("1", (width_bytes * 8, mono.height), 1)
    padded.paste(mono, (0, 0))
    inverted = bytes(b ^ 0xFF for b in padded.tobytes())
    header = GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + mono.height.to_bytes(2, "little")
    return header + inverted


def qr_image(data: str, module: int) -> Image.Image:
    """A QR code as a 1-bit image with `module` dots per module (error correction M)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module, border=2
    )
    code.add_data(data)
    code.make(fit=True)
    image: Image.Image = code.make_image().get_image()
    return image.convert("1")


def number_scale(ticket: str, layout: Layout) -> int:
    """The biggest character size (1..8) at which the ticket number fits the paper width."""
    columns = max(1, len(ticket))
    return max(1, min(8, (layout.dots - 2 * FONT_A_DOTS) // (columns * FONT_A_DOTS)))


def encode_ticket(t: TicketPrint, layout: Layout) -> bytes:
    """The whole ticket as ESC/POS bytes in text mode (Chinese as double-byte text)."""
    w = EscPosWriter(layout.encoding).init().align("center")
    wide = text_columns(t.hall_name) * 2 <= layout.columns
    w.size(2 if wide else 1, 2).bold(True)
    for piece in wrap_columns(t.hall_name, layout.columns // (2 if wide else 1)):
        w.line(piece)
    w.size(1, 1).bold(False)
    for piece in wrap_columns(t.service_name, layout.columns):
        w.line(piece)
    w.line("-" * layout.columns)
    scale = number_scale(t.ticket, layout)
    w.size(scale, scale).bold(True).line(t.ticket).size(1, 1).bold(False)
    w.line("-" * layout.columns)
    for text in info_lines(t, traditional=layout.encoding == "big5"):
        for piece in wrap_columns(text, layout.columns):
            w.line(piece)
    if t.qr_data:
        _encode_qr(w, t.qr_data, layout)
    if t.footer:
        for piece in wrap_columns(t.footer, layout.columns):
            w.line(piece)
    return w.cut(layout.cutter).getvalue()


def _encode_qr(w: EscPosWriter, data: str, layout: Layout) -> None:
    module = 6 if layout.paper_mm == 58 else 8
    w.align("center")  # GS ( k prints at the current alignment, so set it first
    if layout.qr == "native":
        w.qr_native(data, module)
    else:
        w.raster(qr_image(data, module))
