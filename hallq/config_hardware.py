"""Typed hardware configuration that the hall config embeds (msgspec, unknown keys rejected).

It lives in hallq/ (the ground floor) because hall.toml decodes it; hardware/ imports it from
here (``hardware.config`` re-exports it), so imports flow one way: hallq <- hardware.

Every struct has defaults so that e.g. ``PrinterConfig(type="dummy")`` is a working config.
Pin numbers are BCM (GPIO) numbers, as gpiozero takes them.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

PrinterType = Literal["serial", "usb", "network", "file", "dummy"]
TextEncoding = Literal["gb18030", "gbk", "big5", "utf-8"]
Pin = Annotated[int, msgspec.Meta(ge=0, le=27)]
Positive = Annotated[float, msgspec.Meta(gt=0)]


class PrinterConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Thermal ticket printer: back-end, paper, encoding and status timeout."""

    type: PrinterType = "dummy"
    device: str = "/dev/ttyUSB0"  # serial port, or file path for type "file"
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 9100
    baudrate: Annotated[int, msgspec.Meta(gt=0)] = 9600
    usb_vendor: int = 0x0416
    usb_product: int = 0x5011
    paper_mm: Literal[58, 80] = 58
    profile: str = "POS-5890"
    encoding: TextEncoding = "gb18030"
    cutter: bool = False
    qr: Literal["native", "image"] = "native"
    status_timeout_s: Positive = 0.3
    write_timeout_s: Positive = 30.0


class KeypadConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Counter keypad: six keys, a status LED and an optional buzzer."""

    call_next: Pin = 5
    recall: Pin = 6
    no_show: Pin = 13
    finish: Pin = 19
    transfer: Pin = 26
    pause: Pin = 21
    led: Pin = 20
    buzzer: Pin | None = None
    hold_s: Positive = 1.5
    sign_out_hold_s: Positive = 3.0  # pause held this long signs the staff member out
    debounce_ms: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 50
    blink_s: Positive = 0.4

    def __post_init__(self) -> None:
        _check_unique_pins(
            [
                self.call_next,
                self.recall,
                self.no_show,
                self.finish,
                self.transfer,
                self.pause,
                self.led,
                self.buzzer,
            ]
        )


class EvaluatorConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Citizen evaluator: five buttons ordered 非常满意 (score 5) ... 非常不满意 (score 1).

    ``led_pins`` is five pins (one LED per button) or one pin (a single "please rate" LED).
    """

    button_pins: Annotated[list[Pin], msgspec.Meta(min_length=5, max_length=5)] = msgspec.field(
        default_factory=lambda: [4, 17, 27, 22, 23]
    )
    led_pins: Annotated[list[Pin], msgspec.Meta(min_length=1, max_length=5)] = msgspec.field(
        default_factory=lambda: [24, 25, 12, 16, 18]
    )
    timeout_s: Positive = 30.0
    debounce_ms: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 50

    def __post_init__(self) -> None:
        if len(self.led_pins) not in (1, 5):
            raise ValueError("led_pins must hold 1 or 5 pins")
        _check_unique_pins([*self.button_pins, *self.led_pins])


class BoardConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Window LED board on a serial line (framing in docs/hardware.md)."""

    device: str = "/dev/ttyUSB1"
    baudrate: Annotated[int, msgspec.Meta(gt=0)] = 9600
    encoding: str = "gb2312"
    address: Annotated[int, msgspec.Meta(ge=0, le=255)] = 1
    call_template: str = "{ticket} 请到{window}"
    idle_text: str = "欢迎光临"


class VoiceConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Call announcements: engine, voice, templates, repeat, chime and player."""

    engine: Literal["espeak", "clips", "none"] = "espeak"
    voice: str = "cmn-latn-pinyin"
    voice_en: str = "en"
    template_zh: str = "请{ticket}号到{window}办理"
    template_en: str = "Number {ticket}, please go to {window}"
    # a case (一件事) called at a later step: the service it comes for is said too (not with
    # the "clips" engine, which has no recording of every service name)
    template_case_zh: str = "请{ticket}号到{window}办理{service}"
    template_case_en: str = "Number {ticket}, please go to {window} for {service}"
    # a joint review's call to its room (联审室): "请A012号到第一联审室" (no 办理)
    template_room_zh: str = "请{ticket}号到{window}"
    template_room_en: str = "Number {ticket}, please go to {window}"
    # a case carried by an agency desk (帮办代办): the agent is called, not the number
    template_agent_zh: str = "请{agent}到{window}办理{service}"
    template_agent_en: str = "{agent}, please go to {window} for {service}"
    lang: Literal["zh", "en"] = "zh"
    repeat: Annotated[int, msgspec.Meta(ge=1, le=5)] = 2
    chime: bool = True
    one_as_yao: bool = False  # read the digit 1 in ticket numbers as 幺 instead of 一
    speed_wpm: Annotated[int, msgspec.Meta(ge=80, le=400)] = 150
    gap_s: Annotated[float, msgspec.Meta(ge=0, le=5)] = 0.6
    # calls queued behind another are said once, one chime per run (docs/display.md); a call
    # that could not begin within late_s of arriving is not said and is flagged on the wall
    late_s: Annotated[float, msgspec.Meta(ge=5, le=600)] = 90.0
    player: list[str] = msgspec.field(default_factory=lambda: ["aplay", "-q"])
    clips_dir: str | None = None
    cache_dir: str = "/var/cache/hallq/voice"


def _check_unique_pins(pins: list[int | None]) -> None:
    used = [p for p in pins if p is not None]
    if len(used) != len(set(used)):
        raise ValueError(f"the same GPIO pin is used twice: {sorted(used)}")
