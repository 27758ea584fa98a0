"""Bytes per ticket and line time at 9600 and 115200 baud: text mode against image mode.

    python benchmarks/bench_printer.py

Text mode is hallq's encoder (FS & + GB18030, native or image QR). Image mode rasterises the
whole ticket (as many Chinese kiosks do) and sends it as GS v 0. Line time is the time the
bytes need on a serial line at 8N1 (10 bits per byte); printing itself adds paper-feed time.
"""

from __future__ import annotations

import time
from datetime import datetime

from hardware.escpos_codec import EscPosWriter, Layout, encode_ticket, raster_bytes
from hardware.escpos_decode import Cut, Feed, decode
from hardware.ticket import TicketPrint
from hardware.ticket_render import MARGIN, render

TICKET = TicketPrint(
    hall_name="某某市政务服务中心",
    service_name="社保医保业务",
    ticket="A001",
    ahead=12,
    est_wait_min=25,
    issued_at=datetime(2026, 11, 5, 9, 30),
    qr_data="https://hall.example.gov.cn/q/A001?h=3",
    footer="请留意叫号，过号需重新取号。",
    window_hint="请到 5号窗口 办理",
)
BAUDS = (9600, 115200)


def image_mode(layout: Layout) -> bytes:
    """The whole ticket rasterised (text drawn as pixels), then cut."""
    decoded = decode(encode_ticket(TICKET, layout))
    decoded.items = [i for i in decoded.items if not isinstance(i, Feed | Cut)]
    picture = render(decoded, layout.dots)
    mono = picture.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    mono = mono.crop((MARGIN, 0, MARGIN + layout.dots, mono.height))
    w = EscPosWriter(layout.encoding).init()
    return w.raw(raster_bytes(mono)).cut(layout.cutter).getvalue()


def cases() -> list[tuple[str, bytes, float]]:
    out = []
    for paper in (58, 80):
        for name, make in (
            ("text + native QR", lambda p=paper: encode_ticket(TICKET, Layout(p, qr="native"))),
            ("text + image QR", lambda p=paper: encode_ticket(TICKET, Layout(p, qr="image"))),
            ("whole ticket as image", lambda p=paper: image_mode(Layout(p))),
        ):
            started = time.perf_counter()
            data = make()
            out.append((f"{paper} mm  {name}", data, time.perf_counter() - started))
    return out


def main() -> None:
    header = f"{'ticket':34} {'bytes':>8} {'encode ms':>10}"
    header += "".join(f" {f'{b} baud s':>14}" for b in BAUDS)
    print(header)
    print("-" * len(header))
    for name, data, seconds in cases():
        line = f"{name:34} {len(data):8d} {seconds * 1000:10.1f}"
        line += "".join(f" {len(data) * 10 / baud:14.2f}" for baud in BAUDS)
        print(line)


if __name__ == "__main__":
    main()
