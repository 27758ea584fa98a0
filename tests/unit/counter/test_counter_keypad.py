"""The keypad front end on gpiozero's MockFactory: real Keypad, our controller, a fake sender."""

from __future__ import annotations

import msgspec
import pytest
from counter_fakes import FakeClock, FakeSender, feeding
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from counter.controller import CounterController
from counter.keypad_front import KeypadFront
from hallq.contract import WindowState
from hardware.config import KeypadConfig
from hardware.fakes import FakeWindowBoard
from hardware.keypad import Keypad, LedMode

CFG = KeypadConfig(buzzer=12, hold_s=0.05, debounce_ms=50, blink_s=0.05)


@pytest.fixture
def factory(mock_pins: MockFactory) -> MockFactory:
    return mock_pins  # tests/conftest.py swaps the pin factory and restores it


class Rig:
    """Keypad + controller + front end; keys run synchronously (no worker thread)."""

    def __init__(self) -> None:
        self.clock, self.sender, self.board = FakeClock(), FakeSender(), FakeWindowBoard()
        self.controller = CounterController("w1", self.sender, clock=self.clock)
        self.window = feeding(self.controller.on_window_state, WindowState)
        self.keypad = Keypad(CFG, clock=self.clock)
        self.front = KeypadFront(self.controller, self.keypad, self.board, "1号窗口", run=_now)
        self.keypad.open()
        self.front.start()
        self.controller.on_connection(True)
        self.state(status="open")

    def state(self, **fields: object) -> None:
        body = {"window": "w1", "status": "open", "ticket": None, **fields}
        self.window(msgspec.json.encode(body))

    def tap(self, key: str, chatter: int = 0) -> None:
        pin = Device.pin_factory.pin(getattr(CFG, key))
        for _ in range(chatter):  # contact bounce: edges 1 ms apart
            pin.drive_low()
            self.clock.now += 0.001
            pin.drive_high()
            self.clock.now += 0.001
        pin.drive_low()
        self.clock.now += 0.1
        pin.drive_high()
        self.clock.now += 1.0


def _now(job):  # type: ignore[no-untyped-def]
    job()


def test_chattering_call_key_sends_one_call_next(factory: MockFactory) -> None:
    rig = Rig()
    rig.tap("call_next", chatter=5)
    assert rig.sender.ops() == ["call_next"]


def test_no_show_needs_a_held_key(factory: MockFactory) -> None:
    rig = Rig()
    pin = factory.pin(CFG.no_show)
    pin.drive_low()
    pin.drive_high()  # a tap: released before hold_s
    assert rig.sender.ops() == []
    pin.drive_low()
    assert rig.sender.entered.wait(2)  # gpiozero's hold timer fires on its own thread
    pin.drive_high()
    assert rig.sender.ops() == ["no_show"]


def test_keys_map_to_their_window_ops(factory: MockFactory) -> None:
    rig = Rig()
    for key in ("recall", "finish", "transfer", "pause"):
        rig.tap(key)
    assert rig.sender.ops() == ["recall", "finish", "hold", "pause"]


def test_offline_press_beeps_and_is_not_sent_after_reconnect(factory: MockFactory) -> None:
    rig = Rig()
    buzzer = factory.pin(CFG.buzzer)
    rig.controller.on_connection(False)
    assert rig.keypad.led_mode is LedMode.FAST_BLINK
    rig.tap("call_next")
    rig.controller.on_connection(True)
    assert rig.sender.sent == []
    assert any(state for _t, state in buzzer.states)  # it beeped


def test_led_and_board_follow_the_window(factory: MockFactory) -> None:
    rig = Rig()
    assert rig.keypad.led_mode is LedMode.STEADY
    rig.state(ticket="A001", ticket_state="called")
    assert rig.keypad.led_mode is LedMode.BLINK
    rig.state(ticket="A001", ticket_state="serving")
    assert rig.keypad.led_mode is LedMode.STEADY
    rig.state(status="paused")
    assert rig.keypad.led_mode is LedMode.OFF
    # closed until the window's state says open; serving keeps the ticket up; a paused
    # window says so instead of inviting people over
    assert rig.board.texts == ["暂停办理", "欢迎光临", "A001 请到1号窗口", "暂停服务"]
