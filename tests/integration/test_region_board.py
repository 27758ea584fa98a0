"""The region service and board over a real bridged fabric (county + one township):
``GET /api/halls``, scoped logins, and a booking made at the region checking in at the county
kiosk once (through the hall's service), a cancelled one refused."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from region_fabric import Fabric, wait_for

from board.users import Users
from hallq.client import Refused
from region.server import RegionServer
from region.service import RegionService

PASSWORD = "correct-horse-1"
FIELDS = {"hall", "reachable", "waiting", "windows_open", "longest_wait_s", "stale_s"}


def next_slot() -> tuple[str, str]:
    """A slot starting within 5 minutes, hall time: bookable now and checking in now."""
    soon = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=5)
    soon = soon.replace(minute=soon.minute // 5 * 5)
    return soon.date().isoformat(), soon.strftime("%H:%M")


@pytest.fixture
def region(tmp_path):
    day, start = next_slot()
    fabric = Fabric(tmp_path, townships=1, slot_times=(start,))
    server = None
    try:
        fabric.start()
        users = Users(fabric.region.resolve(fabric.region.board.users_file))
        for name in ("county", "mgr-t01"):
            users.add(name, PASSWORD)
        server = RegionServer(RegionService(fabric.region)).start()
        yield fabric, server, day, start
    finally:
        if server is not None:
            server.stop()
        fabric.stop()


class Session:
    def __init__(self, url: str, user: str | None = None) -> None:
        self.url, self.cookie, self.csrf = url, "", ""
        if user:
            status, body = self.call("/api/login", {"user": user, "password": PASSWORD})
            assert status == 200, body
            self.csrf = body["csrf"]

    def call(self, path, body=None, headers=None):
        req = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Cookie": self.cookie, "X-CSRF-Token": self.csrf, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                cookie = resp.headers.get("set-cookie")
                if cookie:
                    self.cookie = cookie.split(";", 1)[0]
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


def test_api_halls_lists_every_hall_for_the_county_and_one_for_a_township(region):
    _fabric, server, _day, _start = region
    county = Session(server.url, "county")
    rows = wait_for(
        lambda: [r for r in county.call("/api/halls")[1] if r["reachable"] and r["day"]],
        what="both halls reachable at the region",
    )
    assert {r["hall"] for r in county.call("/api/halls")[1]} == {"county", "t01"}
    assert all(set(r) >= FIELDS for r in rows)
    township = Session(server.url, "mgr-t01")
    assert [r["hall"] for r in township.call("/api/halls")[1]] == ["t01"]
    assert township.call("/api/halls/county")[0] == 403
    assert township.call("/api/halls/t01")[0] == 200
    assert Session(server.url).call("/api/halls")[0] == 401
    basic = base64.b64encode(f"mgr-t01:{PASSWORD}".encode()).decode()
    status, rows = Session(server.url).call(
        "/api/halls", headers={"Authorization": f"Basic {basic}"}
    )
    assert status == 200 and [r["hall"] for r in rows] == ["t01"]
    wrong = base64.b64encode(b"mgr-t01:nope").decode()
    assert (
        Session(server.url).call("/api/halls", headers={"Authorization": f"Basic {wrong}"})[0]
        == 401
    )


def test_a_township_books_a_county_slot_and_the_code_checks_in_once(region):
    fabric, server, day, start = region
    township = Session(server.url, "mgr-t01")
    slot = {"hall": "county", "service": "bdc01", "day": day, "start": start}
    assert township.call("/api/bookings", slot, headers={"X-CSRF-Token": ""})[0] == 403
    status, booked = township.call("/api/bookings", slot)
    assert status == 200 and booked["by_hall"] == "t01" and "<svg" in booked["qr"]
    status, other = township.call("/api/bookings", slot)  # capacity 2: the second and last
    assert status == 200
    assert township.call("/api/bookings", slot)[0] == 409  # full
    county_svc = fabric.services["county"]
    wait_for(lambda: other["code"] in county_svc.bookings.notices, what="notices at the hall")

    fabric.device("county", "counter2").send("open", staff="c2")
    kiosk = fabric.device("county", "kiosk1")
    ticket = kiosk.send(
        "issue", service="bdc01", priority="appointment", appointment=booked["code"]
    )
    assert ticket.priority == "appointment"
    with pytest.raises(Refused) as again:
        kiosk.send("issue", service="bdc01", priority="appointment", appointment=booked["code"])
    assert again.value.reply.error == "booking_invalid"
    rs = server.service.bookings
    wait_for(lambda: rs.get(booked["code"])["status"] == "used", what="check-in at the region")
    assert rs.get(booked["code"])["ticket"] == ticket.ticket

    assert township.call("/api/bookings/cancel", {"code": other["code"]})[0] == 200
    wait_for(
        lambda: county_svc.bookings.notices[other["code"]].status == "cancelled",
        what="cancellation at the hall",
    )
    with pytest.raises(Refused) as cancelled:
        kiosk.send("issue", service="bdc01", priority="appointment", appointment=other["code"])
    assert "取消" in cancelled.value.reply.message
