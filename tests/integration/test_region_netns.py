"""The county centre and 26 townships on this machine, each hall in its own network namespace
(its own Mosquitto, its own service) bridged over a veth "WAN" to one region Mosquitto
(tests/region_netns.py; needs root). A township's WAN is cut: it keeps issuing and calling,
the region shows it unreachable within 10 s (the bridge keep-alive is 5 s: 1.5 of them), a
booking made at the region meanwhile is honoured at the county kiosk, and once the link is
back the region's record catches up with every event once."""

from __future__ import annotations

import threading

import pytest
from region_fabric import next_slot, wait_for
from region_netns import NetFabric

from board.users import Users
from hallq.client import CommandError
from region.server import RegionServer
from region.service import RegionService

TOWNSHIPS = 26
BUSY = ("t02", "t03", "t04", "t05")  # simulated traffic throughout
PASSWORD = "correct-horse-1"


@pytest.fixture
def region(tmp_path):
    day, start = next_slot()
    fabric = NetFabric(tmp_path, TOWNSHIPS, slot_times=(start,))
    server = None
    try:
        fabric.start()
        Users(fabric.region.resolve(fabric.region.board.users_file)).add("county", PASSWORD)
        server = RegionServer(RegionService(fabric.region)).start()
        yield fabric, server, day, start
    finally:
        if server is not None:
            server.stop()
        fabric.stop()


class Traffic(threading.Thread):
    """A citizen and a window at each busy hall: a ticket and a call every 0.3 s."""

    def __init__(self, fabric: NetFabric) -> None:
        super().__init__(daemon=True)
        self.done = threading.Event()
        self.pairs = [(fabric.device(h, "kiosk1"), fabric.device(h, "counter1")) for h in BUSY]
        for _kiosk, counter in self.pairs:
            counter.send("open", staff="s1")
        self.issued = 0

    def run(self) -> None:
        while not self.done.wait(0.3):
            for kiosk, counter in self.pairs:
                try:
                    kiosk.send("issue", service="rs01")
                    self.issued += 1
                    counter.send("call_next")
                except CommandError:
                    pass  # e.g. no one waiting when the window asks


def test_27_halls_a_township_wan_cut_is_seen_survived_and_caught_up(region):
    fabric, server, day, start = region
    svc = server.service

    def row(hall):
        return next(r for r in svc.rows() if r.hall == hall)

    wait_for(
        lambda: all(r.reachable and r.day for r in svc.rows()),
        timeout=60,
        what="all 27 halls reachable at the region",
    )
    assert len(svc.rows()) == 27
    traffic = Traffic(fabric)
    traffic.start()
    try:
        kiosk, counter = fabric.device("t01", "kiosk1"), fabric.device("t01", "counter1")
        counter.send("open", staff="s1")
        before = [kiosk.send("issue", service="rs01").ticket for _ in range(2)]
        counter.send("call_next")
        hall_day = row("t01").day
        wait_for(lambda: svc.record.count("t01", "issued", hall_day) == 2, what="first events")

        fabric.cut("t01")
        wait_for(lambda: not row("t01").reachable, timeout=10, what="t01 unreachable in 10 s")
        assert "unreachable" in {a["kind"] for a in svc.alerts() if a["hall"] == "t01"}
        during = [kiosk.send("issue", service="rs01").ticket for _ in range(3)]
        called = [counter.send("call_next").ticket for _ in range(2)]
        assert during == ["A003", "A004", "A005"] and called == ["A002", "A003"]

        # meanwhile the region books a county slot; the county kiosk honours the code
        notice = svc.bookings.book("county", "bdc01", day, start, user="county", by_hall="t01")
        fabric.device("county", "counter2").send("open", staff="c2")
        county_kiosk = fabric.device("county", "kiosk1")
        ticket = county_kiosk.send(
            "issue", service="bdc01", priority="appointment", appointment=notice.code
        )
        assert ticket.priority == "appointment"
        wait_for(lambda: svc.bookings.get(notice.code)["status"] == "used", what="used")
        assert not row("t01").reachable  # still cut

        fabric.mend("t01")
        wait_for(lambda: row("t01").reachable, timeout=30, what="t01 reachable again")
        wait_for(
            lambda: (
                svc.record.count("t01", "issued", hall_day) == 5
                and svc.record.count("t01", "called", hall_day) == 3
            ),
            what="t01's events of the cut at the region",
        )
        wait_for(lambda: row("t01").issued == 5, what="t01's state caught up")
    finally:
        traffic.done.set()
        traffic.join(10)
    kept = svc.record.db.execute(
        "SELECT kind, ticket FROM hall_events WHERE hall='t01' AND day=? "
        "AND kind IN ('issued', 'called') ORDER BY kind, ticket",
        (hall_day,),
    ).fetchall()
    assert kept == [
        *(("called", t) for t in ["A001", "A002", "A003"]),
        *(("issued", t) for t in [*before, *during]),
    ]  # nothing lost, nothing twice (the record's key absorbs QoS 1 repeats)
    assert traffic.issued > 0
    for hall in BUSY:
        assert svc.record.count(hall, "issued", hall_day) > 0
