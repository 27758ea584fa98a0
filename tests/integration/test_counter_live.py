"""Counter and evaluator against real Mosquitto and the broker service.

Keypad mode runs with gpiozero's MockFactory driving hardware.keypad.Keypad; the evaluator with
a fake button box. Waiting is by polling for a state (no timed assertions).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest
from gpiozero.pins.mock import MockFactory

from counter.app import run_keypad
from counter.controller import Action
from counter.evaluation import Outcome
from counter.simulated import SimulatedCounter, SimulatedEvaluator
from counter.wiring import build_counter, build_evaluator
from hallq.client import Refused
from hallq.config import CounterDevice
from hallq.core.model import TicketState
from hardware.fakes import FakeScanner, FakeWindowBoard
from hardware.keypad import Keypad


def wait_for(cond: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def pins(mock_pins: MockFactory) -> MockFactory:
    return mock_pins  # tests/conftest.py swaps the pin factory and restores it


def open_hall_and_issue(device, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    _l3, counter3 = device("counter3")
    counter3.send("open", staff="S003")
    counter3.send("pause", reason="test")  # w3 takes no calls but keeps rs01 issuable
    _lk, kiosk = device("kiosk1")
    return [kiosk.send("issue", service="rs01").ticket for _ in range(n)]


def tap(pins: MockFactory, pin: int, hold: float = 0.0) -> None:
    p = pins.pin(pin)
    p.drive_low()
    time.sleep(hold or 0.06)
    p.drive_high()
    time.sleep(0.06)  # quiet line before the next key (debounce)


def test_keypad_counter_serves_the_queue(broker, device, pins) -> None:  # type: ignore[no-untyped-def]
    tickets = open_hall_and_issue(device, 3)
    cfg = broker.cfg
    dev = cfg.device("counter1")
    assert isinstance(dev, CounterDevice)
    from hardware.config import KeypadConfig

    kcfg = KeypadConfig(hold_s=0.2, debounce_ms=30, buzzer=12)
    keypad, board, stop = Keypad(kcfg), FakeWindowBoard(), threading.Event()
    t = threading.Thread(
        target=run_keypad,
        args=(cfg, "counter1"),
        kwargs={"keypad": keypad, "board": board, "stop": stop},
    )
    t.start()
    engine = broker.service.engine
    try:
        wait_for(lambda: keypad.led_mode.value == "off" and keypad.is_open, "keypad up")
        time.sleep(0.5)  # connected and retained state in
        tap(pins, kcfg.pause)  # closed -> open
        wait_for(lambda: engine.windows["w1"].status.value == "open", "window open")
        for _ in range(3):  # chatter on call next: one call
            pins.pin(kcfg.call_next).drive_low()
            pins.pin(kcfg.call_next).drive_high()
        tap(pins, kcfg.call_next)
        wait_for(lambda: engine.windows["w1"].ticket == "A001", "A001 called")
        wait_for(lambda: keypad.led_mode.value == "blink", "LED blinking while calling")
        wait_for(lambda: any("A001" in x for x in board.texts), "board shows A001")
        time.sleep(0.7)
        tap(pins, kcfg.no_show, hold=0.5)  # held: the citizen did not come
        wait_for(lambda: engine.tickets["A001"].state is TicketState.NO_SHOW, "A001 no-show")
        time.sleep(0.7)
        tap(pins, kcfg.call_next)
        wait_for(lambda: engine.windows["w1"].ticket == "A002", "A002 called")
        tap(pins, kcfg.finish)
        wait_for(lambda: engine.tickets["A002"].state is TicketState.DONE, "A002 done")
        assert engine.tickets["A003"].state is TicketState.WAITING
        assert engine.tickets["A001"].calls == 1
    finally:
        stop.set()
        t.join(10)
    assert tickets == ["A001", "A002", "A003"]


def test_keypad_staff_card_signs_in_and_a_held_pause_signs_out(broker, pins) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 item 6: a keypad window names its staff member by card and signs them out."""
    from hardware.config import KeypadConfig

    kcfg = KeypadConfig(hold_s=0.2, sign_out_hold_s=0.4, debounce_ms=30, buzzer=12)
    keypad, scanner, stop = Keypad(kcfg), FakeScanner(), threading.Event()
    t = threading.Thread(
        target=run_keypad,
        args=(broker.cfg, "counter1"),
        kwargs={"keypad": keypad, "scanner": scanner, "stop": stop},
    )
    t.start()
    w1 = broker.service.engine.windows["w1"]
    try:
        wait_for(lambda: scanner.is_running and keypad.is_open, "keypad and scanner up")
        time.sleep(0.5)  # connected and retained state in
        scanner.scan("10086")
        wait_for(lambda: w1.status.value == "open" and w1.staff == "10086", "signed in by card")
        time.sleep(0.7)  # past the repeat guard
        scanner.scan("20010")  # the next shift's card: handed over, still open
        wait_for(lambda: w1.staff == "20010", "handed over")
        tap(pins, kcfg.pause, hold=0.8)  # held: sign out
        wait_for(lambda: w1.status.value == "closed" and w1.staff is None, "signed out")
        kinds = [str(e.kind) for e in broker.service.store.events()]
    finally:
        stop.set()
        t.join(10)
    assert "window_paused" not in kinds  # the hold did not pause first


def test_evaluator_rates_the_finished_ticket_and_counter_cannot(broker, device) -> None:  # type: ignore[no-untyped-def]
    open_hall_and_issue(device, 1)
    clink, counter = build_counter(broker.cfg, "counter1")
    elink, evaluator = build_evaluator(broker.cfg, "eval1", timeout_s=60)
    asked: list[str] = []
    evaluator.when_ask = asked.append
    clink.start()
    elink.start()
    try:
        wait_for(lambda: counter.view().online and evaluator.asking is None, "online")
        time.sleep(0.3)
        assert counter.press(Action.SIGN_IN, staff="S001").ok
        assert counter.press(Action.CALL_NEXT).ok
        assert counter.press(Action.START).ok
        assert counter.press(Action.FINISH).ok
        wait_for(lambda: asked == ["A001"], "the evaluator asks about A001")
        with pytest.raises(Refused) as refused:  # staff may not rate (national rules)
            counter.sender.send("evaluate", ticket="A001", score=5)  # type: ignore[attr-defined]
        assert refused.value.code == "forbidden"
        assert evaluator.rate(5).outcome is Outcome.RATED
        ticket = broker.service.engine.tickets["A001"]
        assert ticket.rating == 5
        wait_for(lambda: counter.view().rating_avg == 5.0, "rating on the counter")
    finally:
        clink.stop()
        elink.stop()


def test_offline_press_is_refused_and_not_replayed(broker, device, mosquitto) -> None:  # type: ignore[no-untyped-def]
    open_hall_and_issue(device, 2)
    link, counter = build_counter(broker.cfg, "counter1")
    link.start()
    try:
        wait_for(lambda: counter.view().online, "online")
        assert counter.press(Action.SIGN_IN, staff="S001").ok
        mosquitto.kill()
        wait_for(lambda: not counter.view().online, "offline shown")
        assert counter.press(Action.CALL_NEXT).note.code == "offline"
        mosquitto.start()
        wait_for(lambda: counter.view().online, "back online", timeout=30)
        wait_for(lambda: counter.view().status == "open", "state restored from retained")
        time.sleep(1.0)  # anything replayed would have arrived by now
        assert broker.service.engine.windows["w1"].ticket is None
        assert broker.service.engine.tickets["A001"].state is TicketState.WAITING
    finally:
        link.stop()


def test_simulated_counter_and_evaluator_work_the_queue(broker, device) -> None:  # type: ignore[no-untyped-def]
    open_hall_and_issue(device, 4)
    rng = random.Random(7)
    sim = SimulatedCounter(broker.cfg, "counter1", rng, speed=600)
    ev = SimulatedEvaluator(broker.cfg, "eval1", rng, speed=600, rate_share=1.0)
    ev.start()
    sim.start()
    engine = broker.service.engine
    try:
        wait_for(
            lambda: (
                sum(
                    t.state in (TicketState.DONE, TicketState.NO_SHOW)
                    for t in engine.tickets.values()
                )
                == 4
            ),
            "all four tickets handled",
            timeout=60,
        )
        done = [t for t in engine.tickets.values() if t.state is TicketState.DONE]
        wait_for(lambda: all(t.rating is not None for t in done), "done tickets rated")
    finally:
        sim.stop()
        ev.stop()
