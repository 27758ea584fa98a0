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
from hardware.fakes import FakeScanner, FakeWindowBoard
from hardware.keypad import Keypad, LedMode

CFG = KeypadConfig(buzzer=12, hold_s=0.05, sign_out_hold_s=0.1, debounce_ms=50, blink_s=0.05)


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
        self.scanner = FakeScanner()
        self.front = KeypadFront(
            self.controller, self.keypad, self.board, "1号窗口", run=_now, scanner=self.scanner
        )
        self.beeps: list[tuple[float, int]] = []
        beep = self.keypad.beep

        def beeping(seconds: float = 0.1, times: int = 1) -> None:  # the buzzer, and a record
            self.beeps.append((seconds, times))
            beep(seconds, times)

        self.keypad.beep = beeping  # type: ignore[method-assign]
        self.keypad.open()
        self.front.start()
        self.scanner.start()
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


# ------------------------------------------------------------- staff (issue 16 item 6)
def test_a_staff_card_signs_in_and_the_same_card_signs_out(factory: MockFactory) -> None:
    rig = Rig()
    rig.state(status="closed")
    rig.scanner.scan(" 10086\r")  # a card read, with the scanner's line ending
    assert rig.sender.sent == [("open", {"staff": "10086"})]
    rig.state(status="open", staff="10086")
    rig.clock.now += 1.0
    rig.scanner.scan("10086")
    assert rig.sender.sent[-1] == ("close", {})
    assert rig.beeps == [(0.4, 1), (0.4, 1)]  # each taken: one long beep


def test_another_card_hands_the_window_over(factory: MockFactory) -> None:
    rig = Rig()
    rig.state(status="paused", staff="10086")
    rig.scanner.scan("张三_02")  # Chinese staff ids are allowed too
    assert rig.sender.sent == [("open", {"staff": "张三_02"})]


@pytest.mark.parametrize("read", ["", "-10086", "https://example.gov.cn/q/x", "a" * 40])
def test_a_read_that_is_not_a_staff_id_changes_nothing(factory: MockFactory, read: str) -> None:
    rig = Rig()
    rig.state(status="closed")
    rig.scanner.scan(read)
    assert rig.sender.sent == [] and rig.beeps == [(0.1, 2)]


def test_a_refused_card_beeps_twice(factory: MockFactory) -> None:
    rig = Rig()
    rig.state(status="closed")
    rig.sender.errors["open"] = "forbidden"
    rig.scanner.scan("10086")
    assert rig.sender.ops() == ["open"] and rig.beeps == [(0.1, 2)]


def test_holding_pause_signs_out_and_does_not_pause(factory: MockFactory) -> None:
    rig = Rig()
    rig.state(status="open", staff="10086")
    pin = factory.pin(CFG.pause)
    pin.drive_low()
    assert rig.sender.entered.wait(2)  # gpiozero's hold timer fires on its own thread
    rig.clock.now += 0.5
    pin.drive_high()
    assert rig.sender.ops() == ["close"]
    rig.clock.now += 1.0
    rig.state(status="closed")
    rig.tap("pause")  # a tap still opens (no staff id: the card names them)
    assert rig.sender.ops() == ["close", "open"]
