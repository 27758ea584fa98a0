"""Tiles, reasons and texts: pure functions."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hallq.booking import Slot, make_code
from hallq.contract import ServiceState, decode
from hardware.printer import PrinterStatus
from kiosk import catalog
from kiosk.state import (
    KioskState,
    Link,
    department_tile,
    minutes,
    printer_blocks,
    service_tile,
    tile_reason,
)
from kiosk.texts import TEXTS, in_lang, tr

PAYLOAD = (
    b'{"service":"rs01","name":"x","name_en":"y","department":"rs","prefix":"A","waiting":4,'
    b'"priority_waiting":1,"est_wait_s":600,"oldest_waiting_at":null,"target_wait_s":1200,'
    b'"windows_open":1,"issued_today":9,"daily_cap":null,"open":false,'
    b'"closed_reason":"daily_cap","new_field":1}'
)


def decode_service(payload: bytes) -> ServiceState:
    return decode(payload, ServiceState)


def test_decode_full_payload_ignores_new_fields():
    s = decode_service(PAYLOAD)
    assert (s.service, s.waiting, s.est_wait_s, s.open, s.closed_reason) == (
        "rs01",
        4,
        600,
        False,
        "daily_cap",
    )


def test_closed_tile_shows_reason():
    t = service_tile("rs01", "n", "e", decode_service(PAYLOAD), None)
    assert not t.enabled and t.reason == "daily_cap" and t.waiting == 4
    assert tr(t.reason, "zh") == "今日号已取完"


def test_global_block_wins_and_unknown_state_is_tappable():
    assert service_tile("a", "n", "e", None, "offline").reason == "offline"
    t = service_tile("a", "n", "e", None, None)
    assert t.enabled and t.waiting is None


def test_printer_blocks():
    assert printer_blocks(PrinterStatus.PAPER_OUT) == "printer_paper_out"
    assert printer_blocks(PrinterStatus.COVER_OPEN) == "printer_offline"
    assert printer_blocks(PrinterStatus.PAPER_LOW) is None
    assert printer_blocks(PrinterStatus.UNKNOWN, can_read=False) is None
    assert printer_blocks(PrinterStatus.UNKNOWN, can_read=True) == "printer_offline"


def test_state_blocked_order():
    s = KioskState(link=Link.OK, printer=PrinterStatus.OK)
    assert s.blocked is None
    s.printer = PrinterStatus.PAPER_OUT
    assert s.blocked == "printer_paper_out"
    s.link = Link.OFFLINE
    assert s.blocked == "offline"


reasons = st.sampled_from([None, "hall_closed", "daily_cap", "service_closed"])


@given(st.lists(st.tuples(st.integers(0, 50), reasons), min_size=1, max_size=6))
def test_department_greyed_only_when_every_service_is(services):
    tiles = [
        service_tile(
            f"s{i}",
            "n",
            "e",
            ServiceState(
                service=f"s{i}", waiting=w, open=r is None, closed_reason=r, est_wait_s=60.0 * w
            ),
            None,
        )
        for i, (w, r) in enumerate(services)
    ]
    d = department_tile("d", "n", "e", tiles)
    assert d.enabled == any(t.enabled for t in tiles)
    assert d.waiting == sum(w for w, _ in services)
    if not d.enabled:
        assert d.reason in ("hall_closed", "daily_cap", "service_closed")


def test_minutes():
    assert (minutes(None), minutes(0), minutes(20), minutes(600)) == (None, 0, 1, 10)


def test_every_text_has_both_languages():
    for key, (zh, en) in TEXTS.items():
        assert bool(zh) == bool(en), key
    assert tr("offline", "zh") == "系统连接中断，请稍候或到咨询台"


def test_appointment_codes_are_shaped_like_booking_codes():
    booked = make_code(bytes(32), "testhall", "rs01", Slot(0, date(2026, 11, 23), 600, 30, 1))
    assert catalog.valid_code(booked) and catalog.valid_code(booked.lower())
    assert catalog.valid_code("0123456789ABCDEF")  # the shape only: the service checks the rest
    assert not catalog.valid_code("A1234") and not catalog.valid_code(booked[:-1])
    assert not catalog.valid_code("12") and not catalog.valid_code("0123 4567 89AB CDEF")
    assert not catalog.valid_code("１２３４５６７８９０１２３４５６")  # full-width digits
    assert not catalog.valid_code("0123456789ABCDE!")


def test_the_services_refusal_in_the_kiosks_language():
    said = "预约已过期（2026-11-23 10:00）/ this booking has expired (2026-11-23 10:00)"
    assert in_lang(said, "zh") == "预约已过期（2026-11-23 10:00）"
    assert in_lang(said, "en") == "This booking has expired (2026-11-23 10:00)"
    assert in_lang("只有中文", "en") == "只有中文"


# ------------------------------------------------------------- the calendar on a tile
TZ = "Asia/Shanghai"
THU_18H = 1_790_848_800.0  # 2026-10-01 18:00 in Asia/Shanghai (a National Day holiday)
ONE_DAY = 86400.0


def closed(reason: str, opens_at: float | None) -> ServiceState:
    return ServiceState(service="bdc01", open=False, closed_reason=reason, opens_at=opens_at)


def test_a_closed_tile_says_when_the_hall_opens_next():
    tile = service_tile("bdc01", "抵押登记", "Mortgage", closed("hall_closed", THU_18H), None)
    tomorrow = THU_18H + 14.5 * 3600  # 08:30 the next morning
    later = THU_18H + 6 * ONE_DAY + 14.5 * 3600  # 2026-10-08 08:30
    assert tile_reason(tile, "zh", THU_18H - 3600, TZ) == "不在办公时间\n18:00 开始取号"
    shown = service_tile("bdc01", "抵押登记", "M", closed("hall_closed", tomorrow), None)
    assert tile_reason(shown, "zh", THU_18H, TZ) == "不在办公时间\n明天 08:30 开始取号"
    assert tile_reason(shown, "en", THU_18H, TZ) == (
        "Outside opening hours\nTickets from tomorrow 08:30"
    )
    holiday = service_tile("bdc01", "抵押登记", "M", closed("hall_closed", later), None)
    assert tile_reason(holiday, "zh", THU_18H, TZ) == "不在办公时间\n10月8日 08:30 开始取号"
    assert tile_reason(holiday, "en", THU_18H, TZ).endswith("Tickets from 8 Oct 08:30")


def test_a_service_past_its_own_hours_is_not_blamed_on_windows():
    at_1630 = closed("service_closed", THU_18H + 14.5 * 3600)
    tile = service_tile("bdc01", "抵押登记", "M", at_1630, None)
    assert tile_reason(tile, "zh", THU_18H, TZ) == "本业务今日取号已结束\n明天 08:30 开始取号"
    no_window = service_tile("bdc01", "抵押登记", "M", closed("service_closed", None), None)
    assert tile_reason(no_window, "zh", THU_18H, TZ) == "暂停取号（窗口未开放）"
    offline = service_tile("bdc01", "抵押登记", "M", at_1630, "offline")
    assert tile_reason(offline, "zh", THU_18H, TZ) == "暂停取号"  # the banner explains


def test_a_department_opens_when_its_first_service_does():
    first, second = THU_18H + 3600, THU_18H + 7200
    tiles = [
        service_tile(c, c, c, closed("hall_closed", t), None)
        for c, t in (("a", second), ("b", first))
    ]
    assert department_tile("bdc", "不动产", "RE", tiles).opens_at == first
    assert department_tile("zh", "综合受理", "General", []).opens_at is None  # no services
