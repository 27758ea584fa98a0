"""On a real Raspberry Pi with devices attached (skipped elsewhere).

Run on the Pi:  HALLQ_PRINTER=/dev/ttyS0 HALLQ_PRINTER_BAUD=9600 pytest -m hardware
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from hardware.config import KeypadConfig, PrinterConfig
from hardware.keypad import Keypad, LedMode
from hardware.printer import PrinterStatus, TicketPrint, make_printer


def on_pi() -> bool:
    model = Path("/proc/device-tree/model")
    return model.exists() and "Raspberry Pi" in model.read_text(errors="replace")


pytestmark = [
    pytest.mark.hardware,
    pytest.mark.skipif(not on_pi(), reason="needs a Raspberry Pi with the devices attached"),
]


@pytest.mark.skipif("HALLQ_PRINTER" not in os.environ, reason="set HALLQ_PRINTER=/dev/...")
def test_real_printer_prints_a_confirmed_ticket() -> None:
    cfg = PrinterConfig(
        type="serial",
        device=os.environ["HALLQ_PRINTER"],
        baudrate=int(os.environ.get("HALLQ_PRINTER_BAUD", "9600")),
    )
    with make_printer(cfg) as printer:
        assert printer.status() in (PrinterStatus.OK, PrinterStatus.PAPER_LOW)
        ticket = TicketPrint("测试大厅", "硬件测试", "T001", 0, None, datetime.now(),
                             "https://example.org/T001", "：，。测试完毕", None)  # fmt: skip
        assert printer.print_ticket(ticket).confirmed


def test_real_keypad_led_blinks() -> None:
    pad = Keypad(KeypadConfig())
    pad.open()
    try:
        pad.set_led(LedMode.BLINK)
        pad.set_led(LedMode.OFF)
        assert pad.led_mode is LedMode.OFF
    finally:
        pad.close()
