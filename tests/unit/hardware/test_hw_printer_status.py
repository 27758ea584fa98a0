"""Status byte mapping, PrintResult, config validation and the FakePrinter."""

from __future__ import annotations

from datetime import datetime

import msgspec
import pytest

from hardware.config import EvaluatorConfig, KeypadConfig, PrinterConfig, VoiceConfig
from hardware.fakes import FakePrinter
from hardware.printer import (
    PrinterStatus,
    PrintOutcome,
    PrintResult,
    TicketPrint,
    TicketPrinter,
    status_from_replies,
)

OK = 0x12
TICKET = TicketPrint("大厅", "社保", "A001", 0, None, datetime(2026, 11, 5), None, None, None)


@pytest.mark.parametrize(
    ("online", "offline", "paper", "expected"),
    [
        (OK, OK, OK, PrinterStatus.OK),
        (OK, OK, OK | 0x0C, PrinterStatus.PAPER_LOW),
        (OK, OK | 0x20, OK | 0x6C, PrinterStatus.PAPER_OUT),
        (OK | 0x08, OK | 0x04, OK, PrinterStatus.COVER_OPEN),
        (OK | 0x08, OK, OK, PrinterStatus.OFFLINE),
        (0xFF, OK, OK, PrinterStatus.UNKNOWN),
        (0x00, 0x00, 0x00, PrinterStatus.UNKNOWN),
    ],
)
def test_dle_eot_replies(online: int, offline: int, paper: int, expected: PrinterStatus) -> None:
    assert status_from_replies(online, offline, paper) is expected


def test_print_result_ok_only_for_printed_outcomes() -> None:
    oks = {o for o in PrintOutcome if PrintResult(o, PrinterStatus.UNKNOWN).ok}
    assert oks == {PrintOutcome.PRINTED, PrintOutcome.PRINTED_UNCONFIRMED}


def test_fake_printer_records_and_refuses_when_out_of_paper() -> None:
    fake = FakePrinter()
    fake.open()
    assert fake.print_ticket(TICKET).confirmed
    fake.status_value = PrinterStatus.PAPER_OUT
    result = fake.print_ticket(TICKET)
    assert result.outcome is PrintOutcome.NOT_READY and not fake.is_ready
    fake.status_value = PrinterStatus.OK
    fake.fail_send = True
    assert not fake.print_ticket(TICKET).ok
    assert fake.tickets == [TICKET]
    assert b"A001" in fake.raw


def test_configs_have_working_defaults_and_reject_unknown_keys() -> None:
    assert PrinterConfig(type="dummy").paper_mm == 58
    with pytest.raises(msgspec.ValidationError, match="unknown field `baud`"):
        msgspec.convert({"printer": {"type": "serial", "baud": 9600}}, dict[str, PrinterConfig])
    with pytest.raises(msgspec.ValidationError, match="twice"):
        msgspec.convert({"call_next": 5, "recall": 5}, KeypadConfig)
    with pytest.raises(msgspec.ValidationError, match="1 or 5"):
        msgspec.convert({"led_pins": [1, 2]}, EvaluatorConfig)
    with pytest.raises(msgspec.ValidationError, match="paper_mm"):
        msgspec.convert({"paper_mm": 76}, PrinterConfig)
    voice = msgspec.json.decode(b'{"repeat": 3, "cache_dir": "/tmp/v"}', type=VoiceConfig)
    assert voice.repeat == 3 and voice.voice == "cmn-latn-pinyin"


class SilentTransport:
    """Reads nothing back, like a printer that is switched off; records what was written."""

    can_read = True

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def open(self) -> None: ...
    def close(self) -> None: ...
    def discard_input(self) -> None: ...

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def read(self, n: int, timeout: float) -> bytes:
        return b""


def test_silent_printer_is_offline_after_one_unanswered_query() -> None:
    transport = SilentTransport()
    printer = TicketPrinter(PrinterConfig(type="serial"), transport)
    printer.open()
    result = printer.print_ticket(TICKET)
    assert result.outcome is PrintOutcome.NOT_READY and result.status is PrinterStatus.OFFLINE
    assert transport.written == [b"\x10\x04\x01"]  # no DLE EOT 2 / 4 waits, no ticket bytes
