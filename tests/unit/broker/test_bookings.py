"""Booking codes checked in at the kiosk (broker/bookings.py, hallq/booking.py): a code booked
at the region checks in once, at its hall, for its service, in its slot; every other code is
refused with booking_invalid, a clear message, and nothing changed."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from halls import write_test_hall

from app.bootstrap import build_broker
from hallq import contract as c
from hallq.booking import Slot, make_code
from hallq.config import load_config
from hallq.fakes import FakeLink

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 5, tzinfo=TZ).timestamp()  # Monday 10:05, hall time


@pytest.fixture
def service(tmp_path):
    path = write_test_hall(tmp_path)
    (tmp_path / "booking.key").write_text(KEY.hex())
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[region]\nid = "region"\nhost = "127.0.0.1"\nhall_no = 3\n'
        + 'booking_key_file = "booking.key"\ncheckin_margin_min = 30\n',
        encoding="utf-8",
    )
    clock = [NOW]
    link = FakeLink()
    link.start()  # online: what the service publishes is recorded
    s = build_broker(load_config(path), with_link=False, clock=lambda: clock[0])
    s.link = link
    s.clock_cell = clock
    s.load()
    assert send(s, "counter1", id="o", op="open")["ok"]
    yield s
    s.store.close()


def send(s, device, **payload):
    return s.handle(device, json.dumps(payload).encode())


def code(service="rs01", *, day=(2026, 11, 23), start="10:00", hall_no=3, key=KEY, serial=1):
    """A booking code as the region makes it."""
    h, m = map(int, start.split(":"))
    slot = Slot(hall_no, datetime(*day).date(), h * 60 + m, 30, serial)
    return make_code(key, "testhall", service, slot)


def check_in(s, booking, service="rs01", cmd_id="k"):
    return send(
        s,
        "kiosk1",
        id=cmd_id,
        op="issue",
        service=service,
        priority="appointment",
        appointment=booking,
    )


def test_a_booked_code_checks_in_once_and_the_region_is_told(service):
    booking = code()
    r = check_in(service, booking.lower())  # typed in lower case: forgiven
    assert r["ok"] and r["priority"] == "appointment"
    assert service.engine.tickets[r["ticket"]].appointment == booking
    sent = [p for t, p in service.link.published if t.endswith("/event/checked_in")]
    assert sent == [c.CheckedInEvent(code=booking, ticket=r["ticket"], service="rs01", at=NOW)]
    again = check_in(service, booking, cmd_id="k2")
    assert again["error"] == "booking_invalid" and "已签到" in again["message"]


def test_used_once_survives_a_restart(service, tmp_path):
    booking = code()
    assert check_in(service, booking)["ok"]
    service.store.close()
    again = build_broker(service.cfg, with_link=False, clock=lambda: NOW)
    again.link = FakeLink()
    again.load()
    assert check_in(again, booking, cmd_id="k2")["error"] == "booking_invalid"
    again.store.close()


def forged(booking: str) -> str:
    last = booking[-1]
    return booking[:-1] + ("0" if last != "0" else "1")


@pytest.mark.parametrize(
    ("booking", "service_code", "says"),
    [
        (lambda: forged(code()), "rs01", "无效"),
        (lambda: code(key=OTHER_KEY), "rs01", "无效"),  # signed with another hall's key
        (lambda: code(hall_no=4, key=OTHER_KEY), "rs01", "其他大厅"),
        (lambda: code(service="bdc01"), "rs01", "不动产转移登记"),  # another service
        (lambda: code(day=(2026, 11, 22)), "rs01", "过期"),
        (lambda: code(start="09:00"), "rs01", "过期"),  # 09:00-09:30 + 30 min < 10:05
        (lambda: code(day=(2026, 11, 24)), "rs01", "2026-11-24"),
        (lambda: code(start="11:00"), "rs01", "11:00"),  # too early
        (lambda: "ABCD12", "rs01", "16"),  # malformed: passes the op's pattern, not ours
        (lambda: code()[:15] + "!", "rs01", "regex"),  # not even the op's pattern
    ],
    ids=[
        "forged",
        "other-key",
        "wrong-hall",
        "wrong-service",
        "expired-day",
        "expired-slot",
        "tomorrow",
        "too-early",
        "malformed",
        "bad-characters",
    ],
)
def test_every_bad_code_is_refused_clearly_and_changes_nothing(
    service, booking, service_code, says
):
    before = (service.store.count(), dict(service.engine.tickets))
    r = check_in(service, booking(), service=service_code)
    assert r["ok"] is False and says in r["message"]
    assert r["error"] == ("bad_payload" if says == "regex" else "booking_invalid")
    assert (service.store.count(), dict(service.engine.tickets)) == before
    assert not [t for t, _ in service.link.published if t.endswith("/event/checked_in")]


def test_a_code_the_region_cancelled_is_refused(service):
    booking = code()
    notice = c.BookingNotice(
        code=booking,
        service="rs01",
        day="2026-11-23",
        start="10:00",
        status=c.BookingStatus.CANCELLED,
    )
    service.bookings.on_notice(
        f"hallq/testhall/region/booking/{booking}", json.dumps(c.to_builtins(notice)).encode()
    )
    r = check_in(service, booking)
    assert r["error"] == "booking_invalid" and "取消" in r["message"]
    # the region lifts it (retained notice cleared): the signature alone checks in again
    service.bookings.on_notice(f"hallq/testhall/region/booking/{booking}", b"")
    assert check_in(service, booking, cmd_id="k2")["ok"]


def test_the_margin_holds_both_ways(service):
    service.clock_cell[0] = datetime(2026, 11, 23, 9, 30, tzinfo=TZ).timestamp()
    assert check_in(service, code(start="10:00"), cmd_id="early")["ok"]  # 30 min before
    service.clock_cell[0] = datetime(2026, 11, 23, 11, 0, tzinfo=TZ).timestamp()
    assert check_in(service, code(start="10:00", serial=2), cmd_id="late")["ok"]  # end + 30
