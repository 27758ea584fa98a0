"""Offline issuing (issue 14 item 2): the kiosk prints leased numbers while the service is
unreachable, keeps each issue on disk, and the tickets join their queues when it is back."""

from __future__ import annotations

import logging

import msgspec
from kiosk_fakes import small_hall
from kiosk_service import HallService, InstantCommands

from hallq.fakes import FakeLink
from hardware.fakes import FakePrinter
from hardware.ticket import info_lines
from kiosk import catalog
from kiosk.controller import KioskController, wire_link
from kiosk.offline import LEASE_COUNT, LeaseBook, OfflineIssues
from kiosk.outcome import OutcomeKind
from kiosk.screens.tiles import banner
from kiosk.state import Link


def build(tmp, state_dir=None, service=None, link=None, **device_fields):
    """(controller, service, printer, link); leases and offline outbox in ``state_dir``."""
    cfg = small_hall(tmp)
    device = msgspec.structs.replace(cfg.device("kiosk1"), **device_fields)
    link = link or FakeLink(cfg.hall.id, "kiosk1")
    service = service or HallService(cfg, link, tmp)
    printer = FakePrinter()
    printer.open()
    commands = InstantCommands(link)
    disk = {}
    if state_dir is not None:
        disk = {
            "leases": LeaseBook.open(state_dir),
            "offline": OfflineIssues.open(commands, state_dir),
        }
    c = KioskController(cfg, device, commands, printer, link, spawn=lambda fn: fn(), **disk)
    wire_link(link, c)
    link.start()
    c.maintain()
    return c, service, printer, link


def outcomes(c):
    seen = []
    c.when_outcome = seen.append
    return seen


def test_a_ready_kiosk_holds_leased_numbers_for_every_prefix_it_issues(tmp_path):
    c, service, _printer, _link = build(tmp_path)
    assert c.leases.counts(c.business_day()) == {
        "A": LEASE_COUNT,
        "B": LEASE_COUNT,
        "C": LEASE_COUNT,
    }
    assert service.engine.counters == {"A": 10, "B": 10, "C": 10}


def test_offline_the_kiosk_prints_a_marked_ticket_and_it_joins_the_queue_when_back(tmp_path):
    c, service, printer, link = build(tmp_path)
    assert service.command("kiosk1", "issue", service="rs01")["ticket"] == "A011"  # 2 ahead:
    assert service.command("kiosk1", "issue", service="rs01")["ticket"] == "A012"
    c.on_service_state("rs01", service.service.publisher._service("rs01", service.clock()))
    link.go_offline()
    assert c.state.link is Link.OFFLINE and c.state.is_offline_issuing
    assert c.state.blocked is None
    assert banner(c, "zh") == ("系统连接中断：离线取号中，号票有效，恢复后自动排队", "warning")
    seen = outcomes(c)
    assert c.request_ticket("rs01")
    (o,) = seen
    assert (o.kind, o.ticket, o.offline, o.ahead) == (OutcomeKind.PRINTED, "A001", True, 2)
    printed = printer.tickets[-1]
    assert printed.ticket == "A001" and printed.offline
    assert "离线取号 issued offline" in info_lines(printed)
    assert "A001" not in service.engine.tickets  # the service knows nothing yet
    (kept,) = c.offline.pending
    service.advance(600)  # ten minutes later Mosquitto is back
    link.go_online()
    t = service.engine.tickets["A001"]
    assert t.state.value == "waiting" and t.offline and t.issued_at == kept.issued_at
    assert c.offline.pending == []
    called = service.command("counter1", "call_next")
    assert called["ticket"] == "A011"  # issued before A001 was printed offline
    service.command("counter1", "finish")
    assert service.command("counter1", "call_next")["ticket"] == "A012"
    service.command("counter1", "finish")
    assert service.command("counter1", "call_next")["ticket"] == "A001"


def test_service_silent_the_next_tap_issues_offline(tmp_path):
    c, service, _printer, _link = build(tmp_path)
    seen = outcomes(c)
    service.answering = False  # Mosquitto up, the service gone
    c.request_ticket("bdc01")
    assert seen[-1].kind is OutcomeKind.TIMEOUT and c.state.link is Link.OFFLINE
    c.reset_session()
    c.request_ticket("bdc01")
    assert seen[-1].kind is OutcomeKind.PRINTED and seen[-1].offline and seen[-1].ticket == "B001"
    service.answering = True
    c.maintain()  # the probe: the service answers
    c.maintain()  # ... so what waits goes in
    assert service.engine.tickets["B001"].offline


def test_numbers_used_up_grey_that_service_and_matters_never_issue_offline(tmp_path):
    c, _service, _printer, link = build(tmp_path)
    link.go_offline()
    for _ in range(LEASE_COUNT):
        c.request_ticket("bdc02")
    assert c.state.offline_numbers["C"] == 0 and c.state.is_offline_issuing
    tiles = {t.key: t for t in catalog.service_tiles(c.cfg, c.state, "bdc")}
    assert tiles["bdc02"].reason == "offline_no_numbers" and not tiles["bdc02"].enabled
    assert tiles["bdc01"].enabled
    seen = outcomes(c)
    c.check_in("ABCD1234")  # an appointment needs the service to check its code
    c.request_ticket("bdc01")
    assert seen[-1].kind is OutcomeKind.OFFLINE


def test_used_numbers_and_unsent_tickets_survive_a_kiosk_restart(tmp_path):
    state = tmp_path / "state"
    c, service, printer, link = build(tmp_path, state)
    link.go_offline()
    c.request_ticket("rs01")
    c.request_ticket("rs01")
    assert [t.ticket for t in printer.tickets] == ["A001", "A002"]
    service.answering = False  # the kiosk restarts while the service is still down
    link.go_online()
    c2, _service, printer2, _link = build(tmp_path, state, service=service, link=link)
    assert c2.state.is_offline_issuing
    assert [i.ticket for i in c2.offline.pending] == ["A001", "A002"]
    c2.request_ticket("rs01")
    assert [t.ticket for t in printer2.tickets] == ["A003"]  # never A001 or A002 again
    service.answering = True
    c2.maintain()
    c2.maintain()
    assert {"A001", "A002", "A003"} <= set(service.engine.tickets)
    assert c2.offline.pending == []


def test_a_ticket_from_a_lease_of_a_past_day_is_dropped_and_logged(tmp_path, caplog):
    c, service, _printer, link = build(tmp_path)
    link.go_offline()
    c.request_ticket("rs01")
    service.advance(86400)  # the service was down past the next day's start
    service.tick()
    with caplog.at_level(logging.ERROR):
        link.go_online()
    assert c.offline.pending == [] and "A001" not in service.engine.tickets
    assert "not_leased" in caplog.text and "leases end with their day" in caplog.text
