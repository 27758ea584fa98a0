"""A matter's (一件事) ticket: it names the matter and its steps, and with the native QR stays
within 400 bytes for every matter of the example hall, on 58 and 80 mm, in both languages."""

from datetime import datetime
from pathlib import Path

import pytest

from hallq.config import load_config
from hardware.escpos_codec import Layout, encode_ticket
from hardware.ticket import (
    STAGES_MAX_COLUMNS,
    STAGES_MAX_COLUMNS_EN,
    TicketPrint,
    info_lines,
    text_columns,
)

EXAMPLE = load_config(Path(__file__).resolve().parents[3] / "examples" / "hall.toml")


def matter_ticket(matter, lang: str, qr: str) -> TicketPrint:
    def name(code: str) -> str:
        s = EXAMPLE.service(code)
        return s.name_en if lang == "en" else s.name

    return TicketPrint(
        hall_name=EXAMPLE.hall.name if lang == "zh" else EXAMPLE.hall.name_en,
        service_name=matter.name if lang == "zh" else matter.name_en,
        ticket="XA123",  # the longest number of the example hall
        ahead=999,
        est_wait_min=999,
        issued_at=datetime(2026, 5, 6, 10, 30),
        qr_data=qr,
        footer=None,
        stages=tuple(name(c) for stage in matter.stage_codes() for c in stage),
        lang=lang,
    )


@pytest.mark.parametrize("matter", EXAMPLE.matters, ids=lambda m: m.id)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("paper", [58, 80])
def test_every_example_matter_fits_in_400_bytes_with_the_native_qr(matter, lang, paper):
    qr = EXAMPLE.hall.ticket_qr.replace("{hall}", EXAMPLE.hall.id).replace("{ticket}", "XA123")
    t = matter_ticket(matter, lang, qr)
    assert len(encode_ticket(t, Layout(paper, qr="native"))) <= 400
    (line,) = [x for x in info_lines(t) if "步" in x or "steps" in x]
    assert text_columns(line) <= (STAGES_MAX_COLUMNS_EN if lang == "en" else STAGES_MAX_COLUMNS)


def test_a_short_matter_lists_every_step_a_long_one_its_ends_or_its_count():
    birth = next(m for m in EXAMPLE.matters if m.id == "birth")
    zh = info_lines(matter_ticket(birth, "zh", ""))
    assert "一件事共4步：出生医学证明→出生登记→医保参保登记→社保卡办理" in zh
    long = TicketPrint(
        "h", "m", "A001", 0, None, datetime(2026, 5, 6), stages=("很长的事项名称",) * 9
    )
    assert "一件事共9步：很长的事项名称→…→很长的事项名称，扫码看全部" in info_lines(long)
    en = info_lines(matter_ticket(birth, "en", ""))
    assert "4 steps (see QR)" in en
