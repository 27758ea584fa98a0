"""A township counter books a citizen into another hall's service and slot (跨层级预约).

The ``book`` op goes to this hall's service, which relays it to the region over the bridge
(broker/region_relay.py) and answers with the booking code, or a refusal that says why: the
slot is full, the hall or service takes no bookings, the region cannot be reached (nothing
booked). The code is printed with its QR on the counter's printer (a ``TicketPrinter`` or
``FakePrinter``), the slip the citizen takes to the booked hall's kiosk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from hallq.client import Offline, Refused, ReplyTimeout
from hallq.contract import BookOk
from hardware.ticket import TicketPrint

log = logging.getLogger(__name__)
ANSWER_S = 12.0  # the service waits for the region up to 8 s (region_relay.WAIT_S)


class Booked(NamedTuple):
    """What became of one booking: the reply, or why not; whether the slip printed."""

    ok: bool
    message: str
    booking: BookOk | None = None
    printed: bool = False


def slip(b: BookOk, now: datetime) -> TicketPrint:
    """The booking slip: the booked hall and service, the code in fours, its slot, its QR."""
    grouped = " ".join(b.code[i : i + 4] for i in range(0, len(b.code), 4))
    return TicketPrint(
        hall_name=b.hall_name or b.hall,
        service_name=f"预约：{b.service_name or b.service}",
        ticket=grouped,
        ahead=0,
        est_wait_min=None,
        issued_at=now,
        qr_data=b.code,
        footer="请按时到达，在取号机扫码或输入预约码签到，仅可使用一次",
        lines=(f"预约时段：{b.day} {b.start}（{b.minutes}分钟）", f"办理：{now:%Y-%m-%d %H:%M}"),
    )


class BookingClerk:
    """Books through the hall's service and prints the slip."""

    def __init__(
        self, sender: Any, printer: Any = None, now: Callable[[], datetime] = datetime.now
    ) -> None:
        self.sender, self.printer, self.now = sender, printer, now

    def book(
        self, hall: str, service: str, day: str, start: str, staff: str | None = None
    ) -> Booked:
        """Book (call off the UI thread: it waits for the region); returns :class:`Booked`."""
        fields = {"hall": hall, "service": service, "day": day, "start": start}
        if staff:
            fields["staff"] = staff
        try:
            reply = self.sender.send("book", timeout=ANSWER_S, retries=1, **fields)
        except Offline:
            return Booked(False, "网络离线，未预约 / offline: nothing was booked")
        except ReplyTimeout:
            return Booked(
                False,
                "大厅服务未答复，预约是否成功未知，请在区域平台核对 / no answer from the hall's "
                "service: check the region board before booking again",
            )
        except Refused as exc:
            return Booked(False, exc.reply.message)
        assert isinstance(reply, BookOk), reply
        return Booked(True, reply.code, reply, self._print(reply))

    def _print(self, b: BookOk) -> bool:
        if self.printer is None:
            return False
        try:
            return bool(self.printer.print_ticket(slip(b, self.now())).ok)
        except Exception:  # the booking stands; staff read the code off the screen
            log.exception("booking slip did not print")
            return False
