"""``lease`` and ``issue_offline`` through the service's command path: roles, typed replies,
and leases that survive a restart of the service (they are stored events)."""

import json

import pytest

from app.bootstrap import build_broker
from hallq import contract


@pytest.fixture
def service(hall_cfg):
    s = build_broker(hall_cfg, with_link=False)
    s.load()
    yield s
    s.store.close()


def send(s, device, **payload):
    return s.handle(device, json.dumps(payload).encode())


def test_a_kiosk_leases_numbers_and_reports_an_offline_ticket(service):
    send(service, "counter1", id="o", op="open", staff="s1")
    r = send(service, "kiosk1", id="l1", op="lease", prefixes=["A", "B"], count=3)
    lease = contract.decode(json.dumps(r).encode(), contract.LeaseOk)
    assert lease.day == service.engine.day
    assert [(b.prefix, b.first, b.last) for b in lease.blocks] == [("A", 1, 3), ("B", 1, 3)]
    at = service.clock()  # printed offline now; the online ticket below comes later
    # the same line as the offline ticket: where it joins does not depend on the routing rule
    assert send(service, "kiosk1", id="i1", op="issue", service="rs02")["ticket"] == "A004"
    r = send(
        service,
        "kiosk1",
        id="x1",
        op="issue_offline",
        service="rs02",
        ticket="A002",
        issued_at=at,
        day=lease.day,
    )
    ok = contract.decode(json.dumps(r).encode(), contract.IssueOfflineOk)
    assert (ok.ticket, ok.service, ok.issued_at, ok.ahead) == ("A002", "rs02", at, 0)
    assert send(service, "counter1", id="c1", op="call_next")["ticket"] == "A002"


def test_only_kiosks_lease_and_report_offline_tickets(service):
    for op, extra in (
        ("lease", {"prefixes": ["A"]}),
        (
            "issue_offline",
            {"service": "rs01", "ticket": "A001", "issued_at": 1.0, "day": "2030-01-01"},
        ),
    ):
        r = send(service, "counter1", id=op, op=op, **extra)
        assert r["ok"] is False and r["error"] == "forbidden", r


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"prefixes": []}, "bad_payload"),
        ({"prefixes": ["A"], "count": 0}, "bad_payload"),
        ({"prefixes": ["A"], "count": 51}, "bad_payload"),
        ({"prefixes": ["Q"]}, "unknown_service"),
    ],
)
def test_bad_leases_are_refused_with_clear_errors(service, fields, code):
    r = send(service, "kiosk1", id="l", op="lease", **fields)
    assert r["ok"] is False and r["error"] == code and r["message"]


def test_leases_survive_a_restart_of_the_service(hall_cfg, service):
    day = send(service, "kiosk1", id="l1", op="lease", prefixes=["B"], count=2)["day"]
    service.store.close()
    again = build_broker(hall_cfg, with_link=False)
    again.load()
    try:
        assert send(again, "kiosk1", id="i", op="issue", service="bdc01")["error"] in (
            "service_closed",
        )
        r = send(
            again,
            "kiosk1",
            id="x",
            op="issue_offline",
            service="bdc01",
            ticket="B002",
            issued_at=again.clock(),
            day=day,
        )
        assert r["ok"] and r["ticket"] == "B002"
        r = send(
            again,
            "kiosk1",
            id="y",
            op="issue_offline",
            service="bdc01",
            ticket="B003",
            issued_at=again.clock(),
            day=day,
        )
        assert r["error"] == "not_leased" and "not leased to kiosk1" in r["message"]
    finally:
        again.store.close()
