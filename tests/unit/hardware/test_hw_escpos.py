"""Our ESC/POS encoder: exact bytes on python-escpos' Dummy, decode round trips, a PNG."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageOps

from hardware.config import PrinterConfig
from hardware.errors import DecodeError
from hardware.escpos_codec import Layout, encode_ticket, number_scale, qr_image
from hardware.escpos_decode import Decoded, QrCode, Raster, TextLine, decode
from hardware.printer import PrintOutcome, TicketPrint, make_printer
from hardware.ticket import wrap_columns
from hardware.ticket_render import render, render_png

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "hardware"
ISSUED = datetime(2026, 11, 5, 9, 30, 5)


def ticket(**kw: object) -> TicketPrint:
    base: dict[str, object] = {
        "hall_name": "市民中心",
        "service_name": "社保业务",
        "ticket": "A001",
        "ahead": 3,
        "est_wait_min": 15,
        "issued_at": ISSUED,
        "qr_data": "https://q.example/t/A001",
        "footer": "过号请重新取号。",
        "window_hint": None,
    }
    base.update(kw)
    return TicketPrint(**base)  # type: ignore[arg-type]


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def test_exact_bytes_on_escpos_dummy() -> None:
    printer = make_printer(PrinterConfig(type="dummy", cutter=True))
    printer.open()
    result = printer.print_ticket(ticket())
    dashes = b"-" * 32 + b"\n"
    expected = b"".join(
        [
            b"\x1b@",  # ESC @ initialise
            b"\x1c&",  # FS & double-byte (Chinese) mode
            b"\x1ba\x01",  # centre
            b"\x1d!\x11\x1bE\x01" + gb("市民中心") + b"\n",  # 2x2, bold hall name
            b"\x1d!\x00\x1bE\x00" + gb("社保业务") + b"\n",
            dashes,
            b"\x1d!\x66\x1bE\x01A001\n",  # 7x7 bold number
            b"\x1d!\x00\x1bE\x00",
            dashes,
            gb("前面还有 3 人等候") + b"\n",
            gb("预计等待约 15 分钟") + b"\n",
            b"\xc8\xa1\xba\xc5\xca\xb1\xbc\xe4\xa3\xba2026-11-05 09:30:05\n",  # 取号时间：
            b"\x1ba\x01",  # alignment again before GS ( k
            b"\x1d(k\x04\x001A2\x00",  # QR model 2
            b"\x1d(k\x03\x001C\x06",  # module 6 dots
            b"\x1d(k\x03\x001E1",  # error correction M
            b"\x1d(k\x1b\x001P0https://q.example/t/A001",  # store 24 bytes + 3
            b"\x1d(k\x03\x001Q0\n",  # print
            gb("过号请重新取号。") + b"\n",
            b"\x1bd\x04\x1dVB\x00",  # feed 4 lines, partial cut
        ]
    )
    assert printer.transport.device.output == expected  # type: ignore[attr-defined]
    assert result.outcome is PrintOutcome.PRINTED_UNCONFIRMED
    assert result.bytes_sent == len(expected)


def test_punctuation_is_sent_as_gb18030_not_question_marks() -> None:
    data = encode_ticket(ticket(footer="：，。〇￥"), Layout())
    assert gb("：，。〇￥") in data
    assert b"?" not in data


def test_no_cutter_feeds_instead_of_cutting() -> None:
    decoded = decode(encode_ticket(ticket(), Layout(cutter=False)))
    assert not decoded.cut
    assert decoded.items[-1].lines == 6  # type: ignore[union-attr]


@pytest.mark.parametrize("qr_mode", ["native", "image"])
def test_decode_round_trip_and_png(qr_mode: str) -> None:
    t = ticket(window_hint="请到 5号窗口 办理", hall_name="某某市政务服务中心")
    layout = Layout(qr=qr_mode, cutter=True)  # type: ignore[arg-type]
    decoded = decode(encode_ticket(t, layout))
    assert decoded.double_byte
    assert decoded.cut
    assert "A001" in decoded.lines
    assert "取号时间：2026-11-05 09:30:05" in decoded.lines
    assert "请到 5号窗口 办理" in decoded.lines
    big = next(i for i in decoded.items if isinstance(i, TextLine) and i.text == "A001")
    assert (big.width, big.height, big.bold) == (7, 7, True)
    if qr_mode == "native":
        assert decoded.qr_payloads == ["https://q.example/t/A001"]
    else:
        raster = next(i for i in decoded.items if isinstance(i, Raster))
        expected = qr_image("https://q.example/t/A001", 6)
        assert raster.image.crop((0, 0, expected.width, expected.height)).tobytes() == (
            expected.tobytes()
        )
    png = render_png(decoded, ARTIFACTS / f"ticket_58mm_{qr_mode}.png")
    assert png.stat().st_size > 5000


def test_80mm_ticket_uses_full_width_and_bigger_qr() -> None:
    layout = Layout(paper_mm=80)
    assert layout.columns == 48
    assert number_scale("A001", layout) == 8
    decoded = decode(encode_ticket(ticket(lang="en", hall_name="City Hall"), layout))
    qr = next(i for i in decoded.items if isinstance(i, QrCode))
    assert qr.module == 8
    assert "People ahead: 3" in decoded.lines
    render_png(decoded, ARTIFACTS / "ticket_80mm_en.png", dots=576)


@pytest.mark.parametrize(
    ("encoding", "hall"), [("gbk", "市民中心"), ("big5", "臺北市民服務中心"), ("utf-8", "市民中心")]
)
def test_other_encodings_round_trip(encoding: str, hall: str) -> None:
    data = encode_ticket(
        ticket(hall_name=hall, service_name="社保", footer="OK"), Layout(encoding=encoding)
    )
    lines = decode(data, encoding).lines
    assert hall in lines
    assert ("取號時間：2026-11-05 09:30:05" in lines) == (encoding == "big5")
    assert (b"\x1c(C\x02\x000\x02" in data) == (encoding == "utf-8")


def test_unencodable_text_is_reported_and_nothing_is_sent() -> None:
    printer = make_printer(PrinterConfig(type="dummy", encoding="big5"))
    printer.open()
    result = printer.print_ticket(ticket(hall_name="𠀀"))
    assert result.outcome is PrintOutcome.ENCODE_FAILED
    assert not result.ok
    assert printer.transport.device.output == b""  # type: ignore[attr-defined]


def test_decoder_rejects_unknown_commands() -> None:
    with pytest.raises(DecodeError):
        decode(b"\x1b@\x1bZ")
    with pytest.raises(DecodeError):
        decode(b"\x1d(k\x05\x001")


_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(hall=_text, service=_text, footer=_text, qr=_text)
def test_any_text_survives_encode_decode(hall: str, service: str, footer: str, qr: str) -> None:
    decoded = decode(
        encode_ticket(
            ticket(hall_name=hall, service_name=service, footer=footer, qr_data=qr), Layout()
        )
    )
    joined = "".join(decoded.lines)
    assert hall in joined
    assert service in joined
    assert footer in joined
    assert decoded.qr_payloads == [qr]


def test_english_wraps_between_words_chinese_anywhere() -> None:
    assert wrap_columns("If you miss your call, take a new ticket.", 32) == [
        "If you miss your call, take a ",
        "new ticket.",
    ]
    assert wrap_columns("Municipal Government Service Center", 16) == [
        "Municipal ",
        "Government ",
        "Service Center",
    ]
    assert wrap_columns("Supercalifragilistic", 8) == ["Supercal", "ifragili", "stic"]
    assert wrap_columns("不动产登记 抵押权首次登记", 10) == ["不动产登记", " 抵押权首", "次登记"]


def test_render_uses_the_printers_12_dot_columns_not_the_fonts_advance() -> None:
    rule = render(Decoded([TextLine("-" * 32)]), dots=384)
    left, _, right, _ = ImageOps.invert(rule).getbbox() or (0, 0, 0, 0)
    assert right - left > 360  # 32 columns x 12 dots fill the 58 mm paper
    number = render(Decoded([TextLine("B0127", 1, 6, 6, True)]), dots=384)
    assert number.getpixel((number.width - 17, number.height // 2)) == 255  # 360 dots: no crop
