"""A network printer: a fake ESC/POS printer listening on 127.0.0.1 (a free port)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from hw_fake_printer import FakePrinterDevice
from hw_helpers import wait_for

from hardware.config import PrinterConfig
from hardware.escpos_decode import decode
from hardware.printer import PrinterStatus, PrintOutcome, TicketPrint, make_printer

TICKET = TicketPrint(
    "市民中心", "出入境", "C007", 0, None, datetime(2026, 11, 5, 11, 0), None, None, None
)


class TcpFakePrinter:
    def __init__(self) -> None:
        self.device = FakePrinterDevice()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(4096):
                    if reply := self.device.feed(chunk):
                        conn.sendall(reply)


@pytest.fixture
def tcp_printer() -> Iterator[TcpFakePrinter]:
    fake = TcpFakePrinter()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.close()


def config(port: int) -> PrinterConfig:
    return PrinterConfig(type="network", host="127.0.0.1", port=port, status_timeout_s=0.2)


def test_network_ticket_printed_and_confirmed(tcp_printer: TcpFakePrinter) -> None:
    with make_printer(config(tcp_printer.port)) as printer:
        result = printer.print_ticket(TICKET)
        expected = printer.encode(TICKET)
    assert result.outcome is PrintOutcome.PRINTED
    assert result.bytes_sent == len(expected)
    wait_for(lambda: bytes(tcp_printer.device.received) == expected)
    assert "C007" in decode(expected).lines
    assert tcp_printer.device.queries == [1, 2, 4, 1, 2, 4]  # before and after the ticket


@pytest.mark.parametrize(
    ("mode", "status"),
    [("silent", PrinterStatus.OFFLINE), ("paper_out", PrinterStatus.PAPER_OUT)],
)
def test_network_fault_means_no_ticket(
    tcp_printer: TcpFakePrinter, mode: str, status: PrinterStatus
) -> None:
    tcp_printer.device.mode = mode
    with make_printer(config(tcp_printer.port)) as printer:
        assert printer.status() is status
        result = printer.print_ticket(TICKET)
    assert not result.ok
    assert result.status is status
    assert bytes(tcp_printer.device.received) == b""


def test_nobody_listening_is_a_printer_error() -> None:
    from hardware.errors import PrinterError

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = make_printer(config(port))
    with pytest.raises(PrinterError):
        printer.open()
    assert printer.status() is PrinterStatus.OFFLINE


def test_connection_dropped_after_open_is_not_ok(tcp_printer: TcpFakePrinter) -> None:
    tcp_printer.device.mode = "silent"
    printer = make_printer(config(tcp_printer.port))
    printer.open()
    tcp_printer.server.close()
    try:
        assert not printer.print_ticket(TICKET).ok
    finally:
        printer.close()
