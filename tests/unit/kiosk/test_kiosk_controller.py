"""The kiosk controller against the real service on a FakeLink: the issue flow, its guards
and every failure path."""

from __future__ import annotations

from kiosk_fakes import Deferred, controller, kiosk

from hallq.contract import PrinterPresence, ServiceState
from hardware.printer import PrinterStatus
from kiosk.outcome import OutcomeKind
from kiosk.state import Link


def outcomes(c):
    seen = []
    c.when_outcome = seen.append
    return seen


def issues(service):
    return [s for s in service.sent() if s["op"] == "issue"]


def printer_presence(service):
    return [p.printer for p in service.presences()]


def test_ready_after_connect_and_probe(tmp_path):
    c, service, _p, _link = kiosk(tmp_path)
    assert c.state.link is Link.OK
    assert c.state.blocked is None
    assert printer_presence(service) == [PrinterPresence.OK]
    assert [s["op"] for s in service.sent()] == ["status"]
    st = c.state.services["rs01"]
    assert type(st) is ServiceState and st.waiting == 0  # decoded once, with the contract


def test_printer_presence_is_the_contracts_value_on_the_wire(tmp_path):
    _c, _service, _p, link = kiosk(tmp_path)
    topic = link.topics.presence("kiosk1")
    assert link.retained[topic] == b'{"online":true,"device":"kiosk1","printer":"ok"}'


def test_every_printer_status_reaches_readers_as_itself(tmp_path):
    """What the printer reports is what the board reads: one enum, no translation table."""
    c, service, printer, _link = kiosk(tmp_path)
    for status in PrinterStatus:
        printer.status_value = status
        c.maintain()
        assert printer_presence(service)[-1].value == status.value
    assert len(set(printer_presence(service))) == len(PrinterStatus)


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
    (result,) = [s for s in service.sent() if s["op"] == "print_result"]
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
    spawn = Deferred()
    c, service, printer, link = kiosk(tmp_path, spawn)
    seen = outcomes(c)
    assert c.request_ticket("rs02")
    first_id = c.pending.cmd_id
    link.go_offline()  # the connection drops while the request is on its way
    spawn.run_all()
    assert seen[-1].kind is OutcomeKind.OFFLINE and seen[-1].ticket is None
    assert printer.tickets == [] and c.state.link is Link.OFFLINE
    assert c.state.blocked == "offline"
    assert issues(service) == []  # nothing went out
    assert not c.request_ticket("rs02")  # tiles are disabled while offline
    link.go_online()
    spawn.run_all()
    assert c.retry()
    spawn.run_all()
    (sent,) = issues(service)
    assert sent["id"] == first_id  # the retry is the same command
    assert seen[-1].kind is OutcomeKind.PRINTED


def test_timeout_retry_gets_the_same_ticket_once(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = outcomes(c)
    service.replies_lost = True  # the service issues it, the reply never arrives
    c.request_ticket("rs01")
    assert seen[-1].kind is OutcomeKind.TIMEOUT and not seen[-1].is_final
    assert list(service.engine.tickets) == ["A001"]
    service.replies_lost = False
    c.retry()
    c.retry()  # nothing pending any more: ignored
    assert [t.ticket for t in printer.tickets] == ["A001"]
    assert len(service.engine.tickets) == 1
    assert len({i["id"] for i in issues(service)}) == 1  # one command id on every try


def test_print_failure_cancels_and_says_so(tmp_path):
    c, service, printer, _presence = kiosk(tmp_path)
    seen = outcomes(c)
    printer.fail_send = True
    c.request_ticket("bdc01")
    o = seen[-1]
    assert o.kind is OutcomeKind.PRINT_FAILED and o.ticket == "B001"
    result = [s for s in service.sent() if s["op"] == "print_result"][-1]
    assert result["ok"] is False and result["ticket"] == "B001"
    assert service.engine.tickets["B001"].state.value == "cancelled"


def test_printer_exception_is_a_failed_print(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = outcomes(c)

    def boom(_t):
        raise OSError("usb gone")

    printer.print_ticket = boom
    c.request_ticket("rs01")
    assert seen[-1].kind is OutcomeKind.PRINT_FAILED
    assert printer_presence(service)[-1] is PrinterPresence.OFFLINE


def test_paper_out_blocks_before_choosing_and_is_reported(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    printer.status_value = PrinterStatus.PAPER_OUT
    c.maintain()
    assert c.state.blocked == "printer_paper_out"
    assert printer_presence(service)[-1] is PrinterPresence.PAPER_OUT
    assert not c.request_ticket("rs01")
    assert issues(service) == []
    printer.status_value = PrinterStatus.PAPER_LOW
    c.maintain()
    assert c.state.blocked is None
    assert printer_presence(service)[-1] is PrinterPresence.PAPER_LOW


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
    c, service, _p, link = kiosk(tmp_path)
    link.go_offline()
    assert c.state.link is Link.OFFLINE
    service.answering = False
    link.go_online()
    assert c.state.link is Link.OFFLINE  # Mosquitto is back, the service is not
    service.answering = True
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
    c, _s, _p, link = kiosk(tmp_path)
    before = dict(c.state.services)
    link.deliver(link.topics.service("rs01"), b"{not json")
    link.deliver(link.topics.service("rs01"), b'{"waiting": 3}')
    assert c.state.services == before


def test_kiosk_follows_only_the_services_it_offers(tmp_path):
    c, _service, _p, _link = kiosk(tmp_path, departments=["rs"])
    rs = {s.code for s in c.cfg.services if s.department == "rs"}
    assert rs and set(c.state.services) == rs
    c_all, *_ = kiosk(tmp_path / "all")
    assert set(c_all.state.services) == {s.code for s in c_all.cfg.services}


def test_english_ticket(tmp_path):
    c, _s, printer, _ = kiosk(tmp_path)
    c.lang = "en"
    c.request_ticket("bdc01")
    t = printer.tickets[0]
    assert (t.lang, t.service_name, t.hall_name) == ("en", "Property transfer", "Test Service Hall")


def test_mosquitto_unreachable_goes_offline_after_grace(tmp_path):
    c, service, _p, _link = controller(tmp_path)  # the link never connects
    c.maintain()
    assert c.state.link is Link.CONNECTING and c.state.blocked == "connecting"
    c._started -= 60  # the connect grace is over and Mosquitto never answered
    c.maintain()
    assert c.state.link is Link.OFFLINE
    assert service.sent() == []  # no probe is sent into a dead connection


def test_presence_published_only_on_change(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    for _ in range(3):
        c.maintain()
    printer.status_value = PrinterStatus.PAPER_OUT
    c.maintain()
    c.maintain()
    assert printer_presence(service) == [PrinterPresence.OK, PrinterPresence.PAPER_OUT]
