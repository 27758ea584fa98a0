"""A township counter books a citizen into a county slot over MQTT (issue 13 item 3): the
``book`` op through the township's service, relayed over its real Mosquitto bridge to the
region and answered back (broker/region_relay.py); the code printed with its QR and checked
in at the county kiosk; clear refusals (slot full, service not bookable, no such hall, region
unreachable) with nothing booked."""

from __future__ import annotations

import pytest
from region_fabric import Fabric, next_slot, wait_for, wait_region_listens

from broker import region_relay
from counter.booking import BookingClerk
from hallq.client import Refused
from hardware.fakes import FakePrinter
from region.service import RegionService


@pytest.fixture
def region(tmp_path):
    day, start = next_slot()
    fabric = Fabric(tmp_path, townships=1, slot_times=(start,))
    service = RegionService(fabric.region)
    try:
        fabric.start()
        service.start()
        wait_for(lambda: fabric.services["t01"].relay.link_up, what="t01's bridge up")
        for hall in ("t01", "county"):  # the request goes over t01's bridge, the check-in
            wait_region_listens(service, hall)  # over the county's
        yield fabric, service, day, start
    finally:
        service.stop()
        fabric.stop()


def clerk(fabric: Fabric, printer: FakePrinter | None = None) -> BookingClerk:
    printer = printer or FakePrinter()
    printer.open()
    return BookingClerk(fabric.device("t01", "counter1"), printer)


def booked_at_region(service: RegionService) -> list[dict]:
    return service.bookings.listing({"county", "t01"})


def test_a_township_counter_books_prints_and_the_code_checks_in_at_the_county(region):
    fabric, service, day, start = region
    printer = FakePrinter()
    desk = clerk(fabric, printer)
    first = desk.book("county", "bdc01", day, start, staff="10086")
    assert first.ok and first.printed, first.message
    code = first.booking.code
    assert len(code) == 16 and first.booking.hall_name == "县政务服务中心"
    slip = printer.tickets[-1]
    assert slip.qr_data == code and slip.ticket.replace(" ", "") == code
    row = service.bookings.get(code)
    assert (row["by_hall"], row["by_user"], row["status"]) == ("t01", "counter1/10086", "booked")

    county = fabric.services["county"]
    wait_for(lambda: code in county.bookings.notices, what="the notice at the county")
    fabric.device("county", "counter2").send("open", staff="c2")
    ticket = fabric.device("county", "kiosk1").send(
        "issue", service="bdc01", priority="appointment", appointment=code
    )
    assert ticket.priority == "appointment"
    wait_for(lambda: service.bookings.get(code)["status"] == "used", what="used at the region")

    second = desk.book("county", "bdc01", day, start)  # capacity 2: the last place
    assert second.ok
    full = desk.book("county", "bdc01", day, start)
    assert not full.ok and "约满" in full.message and "full" in full.message
    assert len(booked_at_region(service)) == 2  # nothing more booked


@pytest.mark.parametrize(
    ("hall", "service", "says"),
    [
        ("county", "gs01", "不接受此事项的预约"),  # a county service without slots
        ("county", "nosuch", "不接受此事项的预约"),
        ("t99", "bdc01", "没有大厅"),
    ],
)
def test_what_the_region_cannot_book_is_refused_with_why(region, hall, service, says):
    fabric, svc, day, start = region
    counter = fabric.device("t01", "counter1")
    with pytest.raises(Refused) as refused:
        counter.send("book", hall=hall, service=service, day=day, start=start, timeout=12)
    assert refused.value.code == "booking_refused" and says in refused.value.reply.message
    assert booked_at_region(svc) == []


def test_region_unreachable_says_so_and_books_nothing(region):
    fabric, service, day, start = region
    fabric.region_mqtt.stop()  # the WAN is cut, as the township sees it
    relay = fabric.services["t01"].relay
    wait_for(lambda: not relay.link_up, what="the bridge down at the township")
    result = clerk(fabric).book("county", "bdc01", day, start)
    assert not result.ok and "无法连接" in result.message and "nothing was booked" in result.message
    fabric.region_mqtt.start()
    wait_for(lambda: relay.link_up, what="the bridge back")
    assert booked_at_region(service) == []


def test_no_answer_is_unreachable_and_a_late_request_is_never_booked(region, monkeypatch):
    """The region's service is down, its Mosquitto up: the request waits in the region's
    queue. The counter is told nothing was booked; when the region service returns and
    reads the old request, it has expired: still nothing booked."""
    fabric, service, day, start = region
    monkeypatch.setattr(region_relay, "WAIT_S", 2.0)
    monkeypatch.setattr(region_relay, "EXPIRY_S", 1.0)
    # its subscriptions are in its session once it hears the halls (then it may go away)
    wait_for(lambda: all(h.reachable for h in service.rows()), what="the region subscribed")
    service.stop()
    counter = fabric.device("t01", "counter1")
    with pytest.raises(Refused) as refused:
        counter.send("book", hall="county", service="bdc01", day=day, start=start, timeout=6)
    assert refused.value.code == "region_unreachable" and "未答复" in refused.value.reply.message
    later = RegionService(fabric.region)
    later.start()  # its persistent session delivers the request it missed
    try:
        got = wait_for(
            lambda: later.bookings.db.execute("SELECT answer FROM requests").fetchall(),
            what="the late request read",
        )
        assert b"expired" in got[0][0]
        assert booked_at_region(later) == []
    finally:
        later.stop()
