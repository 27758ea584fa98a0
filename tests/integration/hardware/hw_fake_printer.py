"""A fake ESC/POS printer: answers DLE EOT status queries and records everything else.

Used in-process (TCP tests) and as a small program on the far end of a socat pty pair:
    python hw_fake_printer.py <pty> <mode_file> <out_file>
The mode file holds one of MODES and is re-read on every query, so a test can pull the paper.
"out_after_ticket" answers "ok" until ticket bytes have arrived, then "paper out".
"""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path

OK = 0x12
MODES: dict[str, dict[int, int] | None] = {
    "ok": {1: OK, 2: OK, 4: OK},
    "paper_low": {1: OK, 2: OK, 4: OK | 0x0C},
    "paper_out": {1: OK, 2: OK | 0x20, 4: OK | 0x0C | 0x60},
    "cover_open": {1: OK | 0x08, 2: OK | 0x04, 4: OK},
    "garbage": {1: 0xFF, 2: 0xFF, 4: 0xFF},
    "silent": None,
}


class FakePrinterDevice:
    """Splits incoming bytes into status queries (answered) and print data (recorded)."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.received = bytearray()
        self.queries: list[int] = []
        self._pending = b""

    def feed(self, chunk: bytes) -> bytes:
        data, self._pending = self._pending + chunk, b""
        replies = bytearray()
        i = 0
        while i < len(data):
            if data[i] == 0x10 and data[i + 1 : i + 2] in (b"\x04", b""):
                if i + 2 >= len(data):
                    self._pending = data[i:]
                    break
                replies += self._answer(data[i + 2])
                i += 3
                continue
            self.received.append(data[i])
            i += 1
        return bytes(replies)

    def _answer(self, n: int) -> bytes:
        self.queries.append(n)
        mode = self.mode
        if mode == "out_after_ticket":
            mode = "paper_out" if len(self.received) > 50 else "ok"
        table = MODES[mode]
        return b"" if table is None else bytes([table.get(n, OK)])


def serve_pty(pty: str, mode_file: Path, out_file: Path) -> None:
    fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
    device = FakePrinterDevice()
    while True:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            return
        device.mode = mode_file.read_text().strip()
        reply = device.feed(chunk)
        if reply:
            os.write(fd, reply)
        out_file.write_bytes(bytes(device.received))


if __name__ == "__main__":
    serve_pty(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
