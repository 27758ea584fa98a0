"""The controller never drops a print result: kept while the service cannot take it, sent on
reconnect or when the service answers again, dropped only when the service says it is moot."""

from __future__ import annotations

import logging
import time

from kiosk_fakes import kiosk

from kiosk.outcome import Outcome, OutcomeKind

CONFIRM_TIMEOUT_PASSED_S = 61.0  # hallq.core.engine.ISSUE_CONFIRM_TIMEOUT_S is 60 s


def fail_print_and_lose_the_service(printer, service, mode: str) -> None:
    """The print fails and, right then, the service becomes unreachable."""

    def print_ticket(_t):
        service.mode = mode
        printer.fail_send = True
        return type(printer).print_ticket(printer, _t)

    printer.print_ticket = print_ticket


def results(service) -> list[tuple[str, str, bool]]:
    return [(s["ticket"], s["id"], s["ok"]) for s in service.sent if s["op"] == "print_result"]


def test_failed_print_reported_on_reconnect_cancels_the_ticket(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    seen = []
    c.when_outcome = seen.append
    fail_print_and_lose_the_service(printer, service, "offline")
    c.request_ticket("rs01")
    assert seen[-1].kind is OutcomeKind.PRINT_FAILED  # the citizen is told at once, as before
    (waiting,) = c.outbox.pending
    assert service.engine.tickets["A001"].state.value == "issued"
    c.on_disconnected()
    service.mode = "ok"
    c.on_connected()
    assert service.engine.tickets["A001"].state.value == "cancelled"
    assert results(service) == [("A001", waiting.id, False)] * 2  # the same id, tried twice
    assert c.outbox.pending == []


def test_service_answering_again_flushes_without_a_reconnect(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, "timeout")  # Mosquitto up, service gone
    c.request_ticket("bdc01")
    assert len(c.outbox.pending) == 1
    service.mode = "ok"
    c.maintain()  # the periodic check: the link is OK and results wait
    assert c.outbox.pending == []
    assert service.engine.tickets["B001"].state.value == "cancelled"


def test_late_failure_after_the_confirm_timeout_still_cancels(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, "offline")
    c.request_ticket("rs01")
    c.on_disconnected()
    later = time.time() + CONFIRM_TIMEOUT_PASSED_S
    service.engine.apply_all(service.engine.tick(later))
    assert service.engine.tickets["A001"].state.value == "waiting"  # assumed printed
    service.mode = "ok"
    c.on_connected()
    assert service.engine.tickets["A001"].state.value == "cancelled"
    assert c.outbox.pending == []


def test_result_for_a_ticket_already_called_is_dropped_and_logged(tmp_path, caplog):
    c, service, printer, _ = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, "offline")
    c.request_ticket("rs01")
    c.on_disconnected()
    later = time.time() + CONFIRM_TIMEOUT_PASSED_S
    service.engine.run("call_next", later, window="w1")
    assert service.engine.tickets["A001"].state.value == "called"
    service.mode = "ok"
    with caplog.at_level(logging.WARNING, logger="kiosk.outbox"):
        c.on_connected()
    assert c.outbox.pending == []
    assert service.engine.tickets["A001"].state.value == "called"  # nothing more to do
    assert any("A001" in m and "bad_state" in m for m in caplog.messages)


def test_waiting_results_go_before_the_new_one(tmp_path):
    c, service, printer, _ = kiosk(tmp_path)
    fail_print_and_lose_the_service(printer, service, "offline")
    c.request_ticket("rs01")
    old = c.outbox.pending[0].id
    service.mode = "ok"  # back, and the kiosk has not noticed a reconnect yet
    service.send("issue", service="bdc01", confirm=True)
    c.issuer.report(Outcome(OutcomeKind.PRINTED, "bdc01", ticket="B001"))
    sent = results(service)
    assert sent[-2:] == [("A001", old, False), ("B001", sent[-1][1], True)]
    assert service.engine.tickets["A001"].state.value == "cancelled"
    assert service.engine.tickets["B001"].state.value == "waiting"
    assert c.outbox.pending == []
