"""The region service and board over a real bridged fabric (county + one township):
``GET /api/halls``, scoped logins, and a booking made at the region checking in at the county
kiosk once (through the hall's service), a cancelled one refused."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest
from region_fabric import Fabric, next_slot, wait_for

from board.users import Users
from hallq.client import Refused
from region.server import RegionServer
from region.service import RegionService

PASSWORD = "correct-horse-1"
FIELDS = {"hall", "reachable", "waiting", "windows_open", "longest_wait_s", "stale_s"}


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


def test_region_reports_count_each_halls_bridged_events_once(region):
    """Per-ticket events reach the region's record over the bridge; the report puts the
    halls side by side (scoped), as JSON, CSV and XLSX."""
    fabric, server, day, _start = region
    kiosk, counter = fabric.device("t01", "kiosk1"), fabric.device("t01", "counter1")
    counter.send("open", staff="s1")
    for _ in range(3):
        kiosk.send("issue", service="rs01")
    first = counter.send("call_next").ticket
    counter.send("finish")
    fabric.device("t01", "eval1").send("evaluate", ticket=first, score=5)
    counter.send("call_next")
    counter.send("no_show")
    fabric.device("county", "counter1").send("open", staff="c1")
    fabric.device("county", "kiosk1").send("issue", service="rs01")

    county = Session(server.url, "county")

    def t01_done():
        rows = county.call(f"/api/reports?period={day}")[1]["halls"]
        t01 = next(r for r in rows if r["hall"] == "t01")
        return rows if t01["rated"] == 1 and t01["no_shows"] == 1 and t01["complete"] else None

    rows = {r["hall"]: r for r in wait_for(t01_done, what="t01's events in the region report")}
    t01 = rows["t01"]
    assert (t01["tickets"], t01["waits"], t01["no_shows"]) == (3, 2, 1)
    assert t01["rating_mean"] == 5.0 and t01["satisfaction_pct"] == 100.0
    assert t01["over_target_pct"] == 0.0 and t01["wait_p90_min"] is not None
    assert rows["county"]["tickets"] == 1 or wait_for(
        lambda: county.call(f"/api/reports?period={day}")[1]["halls"][0]["tickets"] == 1
    )
    assert server.service.record.count("t01", "issued", day) == 3

    month = county.call(f"/api/reports?period={day[:7]}")[1]
    assert month["period"] == day[:7] and len(month["halls"]) == 2
    township = Session(server.url, "mgr-t01")
    assert [r["hall"] for r in township.call(f"/api/reports?period={day}")[1]["halls"]] == ["t01"]
    assert county.call("/api/reports?period=yesterday")[0] == 400
    assert Session(server.url).call(f"/api/reports?period={day}")[0] == 401

    files = {}
    for fmt in ("csv", "xlsx"):
        req = urllib.request.Request(
            f"{server.url}/api/reports?period={day}&format={fmt}",
            headers={"Cookie": township.cookie},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            files[fmt] = resp.read()
            assert f"region-{day}.{fmt}" in resp.headers["content-disposition"]
    lines = files["csv"].decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[2].split(",")[1] == "3"  # title, header, t01 only
    assert files["xlsx"].startswith(b"PK")
