"""The kiosk controller on fakes: the issue flow, its guards and every failure path."""

from __future__ import annotations

from kiosk_fakes import Deferred, kiosk

from hardware.printer import PrinterStatus
from kiosk.outcome import OutcomeKind
from kiosk.state import Link


def outcomes(c):
    seen = []
    c.when_outcome = seen.append
    return seen


def issues(service):
    return [s for s in service.sent if s["op"] == "issue"]


def test_ready_after_connect_and_probe(tmp_path):
    c, service, _p, presence = kiosk(tmp_path)
    assert c.state.link is Link.OK
    assert c.state.blocked is None
    assert presence.fields["printer"] == "ok"
    assert [s["op"] for s in service.sent] == ["status"]


def test_ticket_printed_is_the_ticket_issued(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = outcomes(c)
    assert c.request_ticket("rs01")
    (o,) = seen
    assert o.kind is OutcomeKind.PRINTED
    assert [t.ticket for t in printer.tickets] == [o.ticket] == ["A001"]
    t = printer.tickets[0]
    assert t.qr_data == "https://zwfw.example.gov.cn/q/testhall/A001"
    assert t.service_name == "社保参保登记" and t.hall_name == "测试政务服务中心"
    (issue,) = issues(service)
    assert issue["confirm"] is True and issue["priority"] is None
    (result,) = [s for s in service.sent if s["op"] == "print_result"]
    assert result == {"op": "print_result", "ticket": "A001", "ok": True, "reason": ""} | {
        "id": result["id"]
    }
    assert result["id"] and result["id"] != issue["id"]  # its own command id
    assert c.outbox.pending == []
    assert service.engine.tickets["A001"].state.value != "issued"


def test_second_tap_while_busy_is_ignored(tmp_path):
    spawn = Deferred()
    c, service, printer, _ = kiosk(tmp_path, spawn)
    seen = outcomes(c)
    assert c.request_ticket("rs01")
    assert not c.request_ticket("rs01")
    assert not c.request_ticket("bdc01")
    spawn.run_all()
    assert len(issues(service)) == 1 and len(printer.tickets) == 1 and len(seen) == 1
    assert c.request_ticket("rs01")  # once finished, the next citizen can take one


def test_offline_no_ticket_then_retry_reuses_id(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = outcomes(c)
    service.mode = "offline"
    assert c.request_ticket("rs02")
    assert seen[-1].kind is OutcomeKind.OFFLINE and seen[-1].ticket is None
    assert printer.tickets == [] and c.state.link is Link.OFFLINE
    assert c.state.blocked == "offline"
    assert not c.request_ticket("rs02")  # tiles are disabled while offline
    service.mode = "ok"
    assert c.retry()
    first, second = issues(service)
    assert first["id"] == second["id"]
    assert seen[-1].kind is OutcomeKind.PRINTED


def test_timeout_retry_gets_the_same_ticket_once(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = outcomes(c)
    service.mode = "timeout"
    c.request_ticket("rs01")
    assert seen[-1].kind is OutcomeKind.TIMEOUT and not seen[-1].is_final
    service.mode = "ok"
    c.retry()
    c.retry()  # nothing pending any more: ignored
    assert [t.ticket for t in printer.tickets] == ["A001"]
    assert len(service.engine.tickets) == 1


def test_print_failure_cancels_and_says_so(tmp_path):
    c, service, printer, _presence = kiosk(tmp_path)
    seen = outcomes(c)
    printer.fail_send = True
    c.request_ticket("bdc01")
    o = seen[-1]
    assert o.kind is OutcomeKind.PRINT_FAILED and o.ticket == "B001"
    result = [s for s in service.sent if s["op"] == "print_result"][-1]
    assert result["ok"] is False and result["ticket"] == "B001"
    assert service.engine.tickets["B001"].state.value == "cancelled"


def test_printer_exception_is_a_failed_print(tmp_path):
    c, _service, printer, presence = kiosk(tmp_path)
    seen = outcomes(c)

    def boom(_t):
        raise OSError("usb gone")

    printer.print_ticket = boom
    c.request_ticket("rs01")
    assert seen[-1].kind is OutcomeKind.PRINT_FAILED
    assert presence.fields["printer"] == "offline"


def test_paper_out_blocks_before_choosing_and_is_reported(tmp_path):
    c, service, printer, presence = kiosk(tmp_path)
    printer.status_value = PrinterStatus.PAPER_OUT
    c.maintain()
    assert c.state.blocked == "printer_paper_out"
    assert presence.fields["printer"] == "paper_out"
    assert not c.request_ticket("rs01")
    assert issues(service) == []
    printer.status_value = PrinterStatus.PAPER_LOW
    c.maintain()
    assert c.state.blocked is None and presence.fields["printer"] == "paper_low"


def test_closed_service_refused_with_code(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = outcomes(c)
    for w in ("w1", "w2", "w3"):
        service.close_window(w)
    assert not c.state.services["rs01"].open
    c.request_ticket("rs01")  # state may lag: the service refuses
    assert seen[-1].kind is OutcomeKind.REFUSED and seen[-1].code == "service_closed"
    assert printer.tickets == []


def test_probe_failure_then_recovery(tmp_path):
    c, service, _p, _ = kiosk(tmp_path)
    c.on_disconnected()
    assert c.state.link is Link.OFFLINE
    service.mode = "timeout"
    c.on_connected()
    assert c.state.link is Link.OFFLINE  # Mosquitto is back, the service is not
    service.mode = "ok"
    c.maintain()
    assert c.state.link is Link.OK


def test_priority_and_appointment_sent_once_then_cleared(tmp_path):
    c, service, _p, _ = kiosk(tmp_path)
    c.choose_priority("elderly")
    c.request_ticket("rs01")
    c.check_in("A1234")
    assert c.appointment == "A1234"
    c.request_ticket("rs02")
    c.request_ticket("rs02")
    assert [i["priority"] for i in issues(service)] == ["elderly", "appointment", None]
    assert [i.get("appointment") for i in issues(service)] == [None, "A1234", None]


def test_bad_state_payload_is_ignored(tmp_path):
    c, _s, _p, _ = kiosk(tmp_path)
    before = dict(c.state.services)
    c.on_service_message("t", b"{not json")
    c.on_service_message("t", b'{"waiting": 3}')
    assert c.state.services == before


def test_english_ticket(tmp_path):
    c, _s, printer, _ = kiosk(tmp_path)
    c.lang = "en"
    c.request_ticket("bdc01")
    t = printer.tickets[0]
    assert (t.lang, t.service_name, t.hall_name) == ("en", "Property transfer", "Test Service Hall")


def test_mosquitto_unreachable_goes_offline_after_grace(tmp_path):
    from kiosk_fakes import small_hall

    from hardware.fakes import FakePrinter
    from kiosk.controller import KioskController
    from kiosk.fakes import FakePresence, FakeService

    cfg = small_hall(tmp_path)
    service = FakeService(cfg)
    c = KioskController(
        cfg, cfg.device("kiosk1"), service, FakePrinter(), FakePresence(), spawn=lambda fn: fn()
    )
    c.maintain()
    assert c.state.link is Link.CONNECTING and c.state.blocked == "connecting"
    c._started -= 60  # the connect grace is over and Mosquitto never answered
    c.maintain()
    assert c.state.link is Link.OFFLINE
    assert service.sent == []  # no probe is sent into a dead connection


def test_presence_published_only_on_change(tmp_path):
    c, _s, printer, presence = kiosk(tmp_path)
    for _ in range(3):
        c.maintain()
    printer.status_value = PrinterStatus.PAPER_OUT
    c.maintain()
    c.maintain()
    assert presence.history == [{"printer": "ok"}, {"printer": "paper_out"}]
