"""The controller never drops a print result: kept while the service cannot take it, sent on
reconnect or when the service answers again, dropped only when the service says it is moot."""

from __future__ import annotations

import logging

from kiosk_fakes import kiosk

from kiosk.outcome import Outcome, OutcomeKind

CONFIRM_TIMEOUT_PASSED_S = 61.0  # hallq.core.engine.ISSUE_CONFIRM_TIMEOUT_S is 60 s


def fail_print_and_lose_the_service(printer, service, link, mode: str) -> None:
    """The print fails and, right then, the service becomes unreachable: Mosquitto drops
    ("offline") or the service stops answering ("timeout")."""

    def print_ticket(_t):
        if mode == "offline":
            link.go_offline()
        else:
            service.answering = False
        printer.fail_send = True
        return type(printer).print_ticket(printer, _t)

    printer.print_ticket = print_ticket


def results(service) -> list[tuple[str, str, bool]]:
    return [(s["ticket"], s["id"], s["ok"]) for s in service.sent() if s["op"] == "print_result"]


def state(service, ticket: str) -> str:
    return service.engine.tickets[ticket].state.value


def test_failed_print_reported_on_reconnect_cancels_the_ticket(tmp_path):
    c, service, printer, link = kiosk(tmp_path)
    seen = []
    c.when_outcome = seen.append
    fail_print_and_lose_the_service(printer, service, link, "offline")
    c.request_ticket("rs01")
    assert seen[-1].kind is OutcomeKind.PRINT_FAILED  # the citizen is told at once, as before
    (waiting,) = c.outbox.pending
    assert state(service, "A001") == "issued"
    assert results(service) == []  # nothing could go out
    link.go_online()
    assert state(service, "A001") == "cancelled"
    assert results(service) == [("A001", waiting.id, False)]  # the id made when it failed
    assert c.outbox.pending == []


def test_service_answering_again_flushes_without_a_reconnect(tmp_path):
    c, service, printer, link = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, link, "timeout")  # Mosquitto up only
    c.request_ticket("bdc01")
    assert len(c.outbox.pending) == 1
    service.answering = True
    c.maintain()  # the periodic check: the service answers again, results wait
    c.maintain()
    assert c.outbox.pending == []
    assert state(service, "B001") == "cancelled"


def test_late_failure_after_the_confirm_timeout_still_cancels(tmp_path):
    c, service, printer, link = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, link, "offline")
    c.request_ticket("rs01")
    service.advance(CONFIRM_TIMEOUT_PASSED_S)
    service.tick()
    assert state(service, "A001") == "waiting"  # assumed printed
    link.go_online()
    assert state(service, "A001") == "cancelled"
    assert c.outbox.pending == []


def test_result_for_a_ticket_already_called_is_dropped_and_logged(tmp_path, caplog):
    c, service, printer, link = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, link, "offline")
    c.request_ticket("rs01")
    service.advance(CONFIRM_TIMEOUT_PASSED_S)
    assert service.command("counter1", "call_next")["ticket"] == "A001"
    assert state(service, "A001") == "called"
    with caplog.at_level(logging.WARNING, logger="kiosk.outbox"):
        link.go_online()
    assert c.outbox.pending == []
    assert state(service, "A001") == "called"  # nothing more to do
    assert any("A001" in m and "bad_state" in m for m in caplog.messages)


def test_waiting_results_go_before_the_new_one(tmp_path):
    c, service, printer, link = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, link, "timeout")
    c.request_ticket("rs01")
    old = c.outbox.pending[0].id
    service.answering = True  # back, and the kiosk has not noticed yet
    assert c.commands.send("issue", service="bdc01", confirm=True).ticket == "B001"
    c.issuer.report(Outcome(OutcomeKind.PRINTED, "bdc01", ticket="B001"))
    sent = results(service)
    assert sent[-2:] == [("A001", old, False), ("B001", sent[-1][1], True)]
    assert state(service, "A001") == "cancelled"
    assert state(service, "B001") == "waiting"
    assert c.outbox.pending == []
