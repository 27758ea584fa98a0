"""Keypad and evaluator on gpiozero's MockFactory: chatter, held keys, LEDs, one rating per ask."""

from __future__ import annotations

import time

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.config import EvaluatorConfig, KeypadConfig
from hardware.evaluator import Evaluator
from hardware.keypad import Keypad, LedMode

CFG = KeypadConfig(buzzer=12, hold_s=0.3, debounce_ms=50, blink_s=0.05)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def factory(mock_pins: MockFactory) -> MockFactory:
    return mock_pins  # tests/conftest.py swaps the pin factory and restores it


def record(pad: Keypad) -> list[str]:
    calls: list[str] = []
    for name in ("call_next", "recall", "no_show", "finish", "transfer", "pause"):
        setattr(pad, f"when_{name}", lambda name=name: calls.append(name))
    return calls


def chatter(pin: object, clock: FakeClock, end_low: bool) -> None:
    """Seven alternating edges 1 ms apart, ending pressed (low) or released (high)."""
    for i in range(7):
        low = (i % 2 == 0) == end_low
        pin.drive_low() if low else pin.drive_high()  # type: ignore[attr-defined]
        clock.now += 0.001


def tap(pin: object, clock: FakeClock) -> None:
    """One clean press and release, each edge 0.1 s after the previous one."""
    pin.drive_low()  # type: ignore[attr-defined]
    clock.now += 0.1
    pin.drive_high()  # type: ignore[attr-defined]
    clock.now += 0.1


def test_constructor_touches_no_pins(factory: MockFactory) -> None:
    Keypad(CFG)
    Evaluator(EvaluatorConfig())
    assert factory.pins == {}


def test_each_key_fires_its_callback_once(factory: MockFactory) -> None:
    clock = FakeClock()
    pad = Keypad(CFG, clock=clock)
    calls = record(pad)
    pad.open()
    try:
        for name in ("call_next", "recall", "finish", "transfer", "pause"):
            tap(factory.pin(getattr(CFG, name)), clock)
    finally:
        pad.close()
    assert calls == ["call_next", "recall", "finish", "transfer", "pause"]


def test_contact_chatter_on_press_and_release_gives_one_call(factory: MockFactory) -> None:
    clock = FakeClock()
    pad = Keypad(CFG, clock=clock)
    calls = record(pad)
    pad.open()
    pin = factory.pin(CFG.call_next)
    try:
        chatter(pin, clock, end_low=True)  # key goes down bouncing: 4 press edges
        clock.now += 0.5  # held down
        chatter(pin, clock, end_low=False)  # key comes up bouncing: more press edges
        assert calls == ["call_next"]
        clock.now += 0.2
        pin.drive_low()  # a real second press later is accepted
        assert calls == ["call_next", "call_next"]
    finally:
        pad.close()


def test_real_time_chatter_without_fake_clock(factory: MockFactory) -> None:
    pad = Keypad(CFG)
    calls = record(pad)
    pad.open()
    pin = factory.pin(CFG.recall)
    try:
        for _ in range(10):
            pin.drive_low()
            pin.drive_high()
        pin.drive_low()
        time.sleep(0.08)
        pin.drive_high()
        time.sleep(0.08)
        pin.drive_low()
    finally:
        pad.close()
    assert calls == ["recall", "recall"]


def test_no_show_fires_only_after_hold(factory: MockFactory) -> None:
    pad = Keypad(CFG)
    calls = record(pad)
    pad.open()
    pin = factory.pin(CFG.no_show)
    try:
        pin.drive_low()
        time.sleep(0.1)
        pin.drive_high()  # a tap: too short
        time.sleep(0.5)
        assert calls == []
        pin.drive_low()
        time.sleep(0.7)  # held well past hold_s, and still only once
        pin.drive_high()
        time.sleep(0.1)
    finally:
        pad.close()
    assert calls == ["no_show"]


def test_pause_is_a_tap_and_a_long_hold_signs_out(factory: MockFactory) -> None:
    """A bouncing tap of pause pauses once (on release); a bouncing hold past
    ``sign_out_hold_s`` signs out once, with no pause before or after."""
    cfg = KeypadConfig(hold_s=0.3, sign_out_hold_s=0.3, debounce_ms=50)
    clock = FakeClock()
    pad = Keypad(cfg, clock=clock)
    calls = record(pad)
    pad.when_sign_out = lambda: calls.append("sign_out")
    pad.open()
    pin = factory.pin(cfg.pause)
    try:
        chatter(pin, clock, end_low=True)
        assert calls == []  # nothing yet: a tap or a hold?
        clock.now += 0.1
        chatter(pin, clock, end_low=False)
        assert calls == ["pause"]
        clock.now += 0.5
        chatter(pin, clock, end_low=True)
        time.sleep(0.6)  # held past sign_out_hold_s (gpiozero's timer: real time)
        clock.now += 0.6
        chatter(pin, clock, end_low=False)
        time.sleep(0.1)
    finally:
        pad.close()
    assert calls == ["pause", "sign_out"]


def test_led_modes_and_buzzer(factory: MockFactory) -> None:
    pad = Keypad(CFG)
    pad.open()
    led, buzzer = factory.pin(CFG.led), factory.pin(12)
    try:
        pad.set_led(LedMode.STEADY)
        assert led.state == 1
        pad.set_led(LedMode.BLINK)
        time.sleep(0.4)
        changes = [s.state for s in led.states[-6:]]
        assert 0 in changes and 1 in changes
        pad.set_led(LedMode.OFF)
        assert led.state == 0 and pad.led_mode is LedMode.OFF
        pad.beep(0.05)
        time.sleep(0.2)
        assert [s.state for s in buzzer.states[-2:]] == [1, 0]
    finally:
        pad.close()


def test_callback_error_is_logged_and_keypad_keeps_working(
    factory: MockFactory, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    pad = Keypad(CFG, clock=clock)
    seen: list[int] = []

    def boom() -> None:
        seen.append(1)
        raise RuntimeError("boom")

    pad.when_finish = boom
    pad.open()
    pin = factory.pin(CFG.finish)
    try:
        tap(pin, clock)
        tap(pin, clock)
    finally:
        pad.close()
    assert seen == [1, 1]
    assert "button callback failed" in caplog.text


EVAL = EvaluatorConfig(timeout_s=0.3, debounce_ms=50)


def test_evaluator_one_rating_per_ask(factory: MockFactory) -> None:
    clock = FakeClock()
    ev = Evaluator(EVAL, clock=clock)
    ratings: list[int] = []
    ev.when_rated = ratings.append
    ev.open()
    buttons = [factory.pin(p) for p in EVAL.button_pins]
    leds = [factory.pin(p) for p in EVAL.led_pins]
    try:
        tap(buttons[0], clock)  # nobody asked: ignored
        ev.ask()
        assert [led.state for led in leds] == [1] * 5
        chatter(buttons[1], clock, end_low=True)  # 满意, bouncing
        clock.now += 0.1
        buttons[4].drive_low()  # a second press in the same ask: ignored
        assert ratings == [4]
        assert [led.state for led in leds] == [0] * 5 and not ev.is_asking
        clock.now += 0.1
        buttons[4].drive_high()
        clock.now += 0.1
        ev.ask()
        buttons[4].drive_low()  # 非常不满意
    finally:
        ev.close()
    assert ratings == [4, 1]


def test_evaluator_times_out_and_cancel(factory: MockFactory) -> None:
    ev = Evaluator(EvaluatorConfig(led_pins=[9], timeout_s=0.2), pin_factory=factory)
    ratings: list[int] = []
    timeouts: list[bool] = []
    ev.when_rated = ratings.append
    ev.when_timeout = lambda: timeouts.append(True)
    ev.open()
    try:
        ev.ask()
        assert factory.pin(9).state == 1
        time.sleep(0.4)
        assert timeouts == [True] and factory.pin(9).state == 0
        ev.ask()
        ev.cancel()
        factory.pin(EVAL.button_pins[2]).drive_low()
        time.sleep(0.3)
    finally:
        ev.close()
    assert ratings == [] and timeouts == [True]
