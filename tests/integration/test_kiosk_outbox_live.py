"""A failed print is never forgotten: the kiosk's print-result outbox against a real Mosquitto
and the real broker service.

The kiosk here is its controller (no Kivy) with the real MqttLink and CommandClient, a
FakePrinter that fails, and the outbox in tmp_path; a ticker calls ``maintain()`` every second
as the app's Clock does every 3 s. Each test makes the print fail at the moment the service
becomes unreachable, so the first ``print_result`` cannot be delivered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from live_hall import LiveKiosk, wait_until

from app.bootstrap import build_broker
from hardware.fakes import FakePrinter
from kiosk import outbox as outbox_module
from kiosk.outbox import FILE_NAME, PrintOutbox
from kiosk.outcome import OutcomeKind


class FailingPrinter(FakePrinter):
    """Runs ``when_printing`` (the outage) and then reports a failed print."""

    def __init__(self, when_printing: Callable[[], None]) -> None:
        super().__init__()
        self.when_printing = when_printing
        self.fail_send = True

    def print_ticket(self, t):
        self.when_printing()
        return super().print_ticket(t)


class Kiosks:
    """Starts kiosks that share one state directory (a restart is a new one); stops them all."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.started: list[LiveKiosk] = []

    def start(self, cfg, printer: FakePrinter) -> LiveKiosk:
        """The kiosk process: controller + link + outbox (no leased numbers, no offline
        issuing); ``stop()`` = power off."""
        k = LiveKiosk(cfg, "kiosk1", self.state, printer=printer, offline=False, tick_s=1.0)
        self.started.append(k)
        wait_until("kiosk ready (connected, service answering, printer ok)", k.ready)
        return k


@pytest.fixture
def kiosks(tmp_path):
    ks = Kiosks(tmp_path / "state")
    try:
        yield ks
    finally:
        for k in ks.started:
            k.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(outbox_module, "SEND_TIMEOUT_S", 1.0)


def take_failed_ticket(k: LiveKiosk) -> str:
    assert k.c.request_ticket("rs01")
    wait_until("the citizen is told the print failed", lambda: bool(k.outcomes))
    (o,) = k.outcomes
    assert o.kind is OutcomeKind.PRINT_FAILED
    wait_until("the result is in the outbox", lambda: len(k.c.outbox.pending) == 1)
    return o.ticket


def state_of(broker, ticket: str) -> str:
    return broker.service.engine.tickets[ticket].state.value


def test_mosquitto_down_at_print_time_then_back_cancels_the_ticket(
    mosquitto, broker, device, kiosks
):
    _l, counter = device("counter1")
    counter.send("open")
    box: list[LiveKiosk] = []

    def lose_mosquitto() -> None:
        mosquitto.kill()
        wait_until("the kiosk sees the drop", lambda: not box[0].link.is_connected)

    k = kiosks.start(mosquitto.cfg, FailingPrinter(lose_mosquitto))
    box.append(k)
    ticket = take_failed_ticket(k)
    assert (kiosks.state / FILE_NAME).read_text().count(ticket) == 1  # on disk
    assert state_of(broker, ticket) == "issued"  # the service never heard of the failure
    mosquitto.start()
    wait_until("the ticket is cancelled", lambda: state_of(broker, ticket) == "cancelled")
    wait_until("the outbox is empty", lambda: k.c.outbox.pending == [])
    assert PrintOutbox.open(k.c.commands, kiosks.state).pending == []


def test_service_down_and_kiosk_restarted_the_result_still_arrives(
    mosquitto, broker, device, kiosks
):
    _l, counter = device("counter1")
    counter.send("open")
    first = kiosks.start(mosquitto.cfg, FailingPrinter(broker.service.stop))
    ticket = take_failed_ticket(first)
    first.stop()  # the kiosk is switched off with the result undelivered
    broker.restart()
    assert state_of(broker, ticket) == "issued"
    second = kiosks.start(mosquitto.cfg, FakePrinter())
    wait_until("the ticket is cancelled", lambda: state_of(broker, ticket) == "cancelled")
    wait_until("the outbox is empty", lambda: second.c.outbox.pending == [])
    broker.restart()  # the cancellation was stored, not only held in memory
    assert state_of(broker, ticket) == "cancelled"


def test_result_for_a_ticket_already_called_is_dropped_and_logged(
    mosquitto, broker, device, kiosks, caplog
):
    _l, counter = device("counter1")
    counter.send("open")
    first = kiosks.start(mosquitto.cfg, FailingPrinter(mosquitto.kill))
    ticket = take_failed_ticket(first)
    first.stop()
    mosquitto.start()
    # The service restarts past the 60 s confirm timeout: the ticket is assumed printed.
    broker.service.stop()
    later = build_broker(broker.cfg, clock=lambda: time.time() + 61)
    later.start()
    broker.service = later  # the fixture stops it
    assert later.link is not None and later.link.wait_for_connection(10)
    assert state_of(broker, ticket) == "waiting"
    _l2, counter_again = device("counter1")
    assert counter_again.send("call_next").ticket == ticket
    with caplog.at_level(logging.WARNING, logger="kiosk.outbox"):
        second = kiosks.start(mosquitto.cfg, FakePrinter())
        wait_until("the outbox is empty", lambda: second.c.outbox.pending == [])
    assert state_of(broker, ticket) == "called"  # the citizen is being served: left alone
    dropped = [m for m in caplog.messages if "dropped" in m]
    assert len(dropped) == 1 and ticket in dropped[0] and "bad_state" in dropped[0]
