"""A serial printer on a socat pty pair, with a fake printer program on the far end."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from hw_helpers import FakeSerialPrinter, wait_for

from hardware.config import PrinterConfig
from hardware.escpos_decode import decode
from hardware.printer import PrinterStatus, PrintOutcome, TicketPrint, TicketPrinter, make_printer

TICKET = TicketPrint(
    "市民中心",
    "社保业务",
    "B042",
    2,
    8,
    datetime(2026, 11, 5, 10, 0),
    "https://q.example/t/B042",
    "谢谢！",
    "请到 3号窗口",
)


def open_printer(fake: FakeSerialPrinter, timeout: float = 0.2) -> TicketPrinter:
    printer = make_printer(
        PrinterConfig(type="serial", device=fake.device, baudrate=115200, status_timeout_s=timeout)
    )
    printer.open()
    return printer


def test_ticket_arrives_and_is_confirmed(serial_printer: FakeSerialPrinter) -> None:
    printer = open_printer(serial_printer)
    try:
        assert printer.status() is PrinterStatus.OK
        result = printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert result.outcome is PrintOutcome.PRINTED and result.ok and result.confirmed
    expected = printer.encode(TICKET)
    wait_for(lambda: serial_printer.received() == expected)
    decoded = decode(serial_printer.received())
    assert "B042" in decoded.lines
    assert decoded.qr_payloads == ["https://q.example/t/B042"]


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        ("paper_low", PrinterStatus.PAPER_LOW),
        ("paper_out", PrinterStatus.PAPER_OUT),
        ("cover_open", PrinterStatus.COVER_OPEN),
        ("silent", PrinterStatus.OFFLINE),
        ("garbage", PrinterStatus.UNKNOWN),
    ],
)
def test_status_replies(
    serial_printer: FakeSerialPrinter, mode: str, status: PrinterStatus
) -> None:
    serial_printer.set_mode(mode)
    printer = open_printer(serial_printer)
    try:
        assert printer.status() is status
        assert printer.is_ready == (status is PrinterStatus.PAPER_LOW)
    finally:
        printer.close()


@pytest.mark.parametrize("mode", ["paper_out", "silent", "cover_open", "garbage"])
def test_faulty_printer_gets_no_ticket_and_result_is_not_ok(
    serial_printer: FakeSerialPrinter, mode: str
) -> None:
    serial_printer.set_mode(mode)
    printer = open_printer(serial_printer)
    try:
        result = printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert result.outcome is PrintOutcome.NOT_READY
    assert not result.ok
    time.sleep(0.2)
    assert serial_printer.received() == b""


def test_silence_is_offline_quickly(serial_printer: FakeSerialPrinter) -> None:
    serial_printer.set_mode("silent")
    printer = open_printer(serial_printer, timeout=0.15)
    try:
        started = time.monotonic()
        assert printer.status() is PrinterStatus.OFFLINE
        assert time.monotonic() - started < 0.5  # one query's timeout, not three or 16 bytes'
    finally:
        printer.close()


def test_paper_running_out_during_ticket_is_reported(serial_printer: FakeSerialPrinter) -> None:
    serial_printer.set_mode("out_after_ticket")
    printer = open_printer(serial_printer)
    try:
        result = printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert result.outcome is PrintOutcome.FAILED_AFTER_SEND
    assert result.status is PrinterStatus.PAPER_OUT
    assert not result.ok


def test_python_escpos_reports_paper_ok_on_silence_which_is_why_we_do_not_use_it(
    serial_printer: FakeSerialPrinter,
) -> None:
    from escpos.printer import Serial

    serial_printer.set_mode("silent")
    lib = Serial(serial_printer.device, baudrate=115200, timeout=0.2, profile="POS-5890")
    lib.open()
    try:
        assert lib.paper_status() == 2  # "paper adequate" from a printer that said nothing
    finally:
        lib.close()
    ours = open_printer(serial_printer)
    try:
        assert ours.status() is PrinterStatus.OFFLINE
    finally:
        ours.close()


def test_missing_serial_device_raises_printer_error() -> None:
    from hardware.errors import HardwareError, PrinterError

    printer = make_printer(PrinterConfig(type="serial", device="/dev/does-not-exist"))
    with pytest.raises(PrinterError) as info:
        printer.open()
    assert isinstance(info.value, HardwareError) and isinstance(info.value, OSError)
    assert printer.print_ticket(TICKET).outcome is PrintOutcome.NOT_READY
