"""Byte pipes to a printer: serial (pyserial), TCP 9100, a device file, or a python-escpos printer.

A transport only moves bytes. ``read(n, timeout)`` returns what arrived within the timeout
(possibly nothing); transports that cannot read back say so with ``can_read = False``.
Nothing is opened in a constructor.
"""

from __future__ import annotations

import socket
from typing import Any, BinaryIO, Protocol

import serial

from hardware.config import PrinterConfig
from hardware.errors import HardwareConfigError, PrinterError, PrinterNotOpenError


class Transport(Protocol):
    can_read: bool

    def open(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, n: int, timeout: float) -> bytes: ...
    def discard_input(self) -> None: ...
    def close(self) -> None: ...


class SerialTransport:
    """A serial line (RS-232/TTL UART or USB-serial adapter), 8N1, no flow control."""

    can_read = True

    def __init__(self, device: str, baudrate: int, write_timeout: float = 30.0) -> None:
        self.device, self.baudrate, self.write_timeout = device, baudrate, write_timeout
        self._port: serial.Serial | None = None

    def open(self) -> None:
        try:
            self._port = serial.Serial(
                self.device, self.baudrate, timeout=0.1, write_timeout=self.write_timeout
            )
        except (serial.SerialException, OSError) as exc:
            raise PrinterError(f"cannot open serial printer {self.device}: {exc}") from exc

    def write(self, data: bytes) -> None:
        port = self._require()
        try:
            port.write(data)
            port.flush()  # returns once the bytes have left the UART
        except (serial.SerialException, OSError) as exc:
            raise PrinterError(f"serial write to {self.device} failed: {exc}") from exc

    def read(self, n: int, timeout: float) -> bytes:
        port = self._require()
        port.timeout = timeout
        try:
            return bytes(port.read(n))
        except (serial.SerialException, OSError) as exc:
            raise PrinterError(f"serial read from {self.device} failed: {exc}") from exc

    def discard_input(self) -> None:
        self._require().reset_input_buffer()

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    def _require(self) -> serial.Serial:
        if self._port is None:
            raise PrinterNotOpenError("serial printer is not open")
        return self._port


class TcpTransport:
    """A network printer on raw TCP (port 9100), Nagle off so status queries are prompt."""

    can_read = True

    def __init__(
        self, host: str, port: int, connect_timeout: float = 3.0, write_timeout: float = 30.0
    ) -> None:
        self.host, self.port = host, port
        self.connect_timeout, self.write_timeout = connect_timeout, write_timeout
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), self.connect_timeout)
        except OSError as exc:
            raise PrinterError(f"cannot connect to printer {self.host}:{self.port}: {exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def write(self, data: bytes) -> None:
        sock = self._require()
        sock.settimeout(self.write_timeout)
        try:
            sock.sendall(data)
        except OSError as exc:
            raise PrinterError(f"send to {self.host}:{self.port} failed: {exc}") from exc

    def read(self, n: int, timeout: float) -> bytes:
        sock = self._require()
        sock.settimeout(timeout)
        try:
            return sock.recv(n)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterError(f"read from {self.host}:{self.port} failed: {exc}") from exc

    def discard_input(self) -> None:
        sock = self._require()
        sock.setblocking(False)
        try:
            while sock.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        finally:
            sock.setblocking(True)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _require(self) -> socket.socket:
        if self._sock is None:
            raise PrinterNotOpenError("network printer is not connected")
        return self._sock


class FileTransport:
    """A printer device file such as /dev/usb/lp0 (write only: no status)."""

    can_read = False

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: BinaryIO | None = None

    def open(self) -> None:
        try:
            self._file = open(self.path, "wb", buffering=0)  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise PrinterError(f"cannot open printer file {self.path}: {exc}") from exc

    def write(self, data: bytes) -> None:
        if self._file is None:
            raise PrinterNotOpenError("printer file is not open")
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as exc:
            raise PrinterError(f"write to {self.path} failed: {exc}") from exc

    def read(self, n: int, timeout: float) -> bytes:
        return b""

    def discard_input(self) -> None:
        pass

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class EscposTransport:
    """Any python-escpos printer object (Dummy for tests, Usb): its ``_raw`` is the pipe."""

    def __init__(self, device: Any, can_read: bool = False) -> None:
        self.device = device
        self.can_read = can_read

    def open(self) -> None:
        try:
            self.device.open()
        except Exception as exc:
            raise PrinterError(f"cannot open printer: {exc}") from exc

    def write(self, data: bytes) -> None:
        try:
            self.device._raw(data)
        except Exception as exc:
            raise PrinterError(f"printer write failed: {exc}") from exc

    def read(self, n: int, timeout: float) -> bytes:
        try:
            return bytes(self.device._read())[:n]
        except Exception:  # USB timeout or unsupported: no answer
            return b""

    def discard_input(self) -> None:
        pass

    def close(self) -> None:
        self.device.close()


def make_transport(cfg: PrinterConfig) -> Transport:
    """The transport for a printer config (nothing is opened yet)."""
    if cfg.type == "serial":
        return SerialTransport(cfg.device, cfg.baudrate, cfg.write_timeout_s)
    if cfg.type == "network":
        return TcpTransport(cfg.host, cfg.port, write_timeout=cfg.write_timeout_s)
    if cfg.type == "file":
        return FileTransport(cfg.device)
    if cfg.type == "usb":
        from escpos.printer import Usb

        return EscposTransport(Usb(cfg.usb_vendor, cfg.usb_product, profile=cfg.profile), True)
    if cfg.type == "dummy":
        from escpos.printer import Dummy

        return EscposTransport(Dummy(profile=cfg.profile))
    raise HardwareConfigError(f"unknown printer type {cfg.type!r}")
