"""Booking codes (跨层级预约): signed with the hall's key, checked at that hall's kiosk.

A code is 16 characters of Crockford base32 (digits and capitals without I, L, O, U; typing
those, or lower case, is forgiven) = 80 bits:

    hall_no 7 | day 15 (days since 2024-01-01) | start 9 (5-min units) | length 4 (15-min
    units) | serial 11 (per hall and day) | MAC 34

The MAC is HMAC-SHA256 over the fields, the hall's id and the service, with the hall's own
key (the region holds every hall's key, a hall only its own), cut to 34 bits: guessing a
valid code takes ~10^10 tries at a kiosk. So a hall checks a code alone, without the region:
signature, hall, service, date and slot ± margin; "once" is the hall's own event store (the
ticket keeps its code). What needs the region is only a cancellation, which the hall learns
when the region's notice arrives over the bridge (docs/deploy.md, "The region": offline rule).

Standard library only, no I/O: the key and the clock are arguments.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FORGIVE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
LENGTH = 16
EPOCH = date(2024, 1, 1)
_BITS = (("hall_no", 7), ("day", 15), ("start", 9), ("length", 4), ("serial", 11), ("mac", 34))
MAX_SERIAL = 2**11 - 1


class Refusal(StrEnum):
    """Why a booking code is refused (each with a message the kiosk shows)."""

    MALFORMED = "malformed"
    FORGED = "forged"
    WRONG_HALL = "wrong_hall"
    WRONG_SERVICE = "wrong_service"
    WRONG_DAY = "wrong_day"
    TOO_EARLY = "too_early"
    EXPIRED = "expired"
    USED = "used"
    CANCELLED = "cancelled"
    NO_BOOKINGS = "no_bookings"


class BookingRefused(ValueError):
    """A booking code that does not check in here now; ``reason`` says why."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass(frozen=True)
class Slot:
    """What a code books: a hall, a day and a time slot (the service is in the MAC)."""

    hall_no: int
    day: date
    start_min: int  # minutes after midnight, hall time
    minutes: int
    serial: int

    @property
    def hhmm(self) -> str:
        return f"{self.start_min // 60:02d}:{self.start_min % 60:02d}"


def _mac(key: bytes, hall: str, service: str, packed: int) -> int:
    msg = f"hallq-booking-v1|{hall}|{service}|{packed}".encode()
    digest = hmac.new(key, msg, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - 34)


def _pack(slot: Slot) -> int:
    fields = {
        "hall_no": slot.hall_no,
        "day": (slot.day - EPOCH).days,
        "start": slot.start_min // 5,
        "length": slot.minutes // 15,
        "serial": slot.serial,
    }
    value = 0
    for name, bits in _BITS[:-1]:
        if not 0 <= fields[name] < 2**bits:
            raise ValueError(f"booking {name}={fields[name]} does not fit {bits} bits")
        value = (value << bits) | fields[name]
    return value


def make_code(key: bytes, hall: str, service: str, slot: Slot) -> str:
    """The booking code for ``slot`` of ``service`` at ``hall`` (the region calls this)."""
    if slot.start_min % 5 or slot.minutes % 15 or not 15 <= slot.minutes <= 225:
        raise ValueError("slots start on 5 minutes and last 15..225 minutes in 15s")
    packed = _pack(slot)
    value = (packed << 34) | _mac(key, hall, service, packed)
    chars = []
    for _ in range(LENGTH):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def normalize(code: str) -> str:
    """Upper case, with I/L/O/U read as the characters they are mistaken for."""
    return code.strip().upper().translate(_FORGIVE)


def read_code(code: str) -> tuple[Slot, int, int]:
    """(slot, packed fields, mac) of a well-formed code; BookingRefused(MALFORMED) if not."""
    text = normalize(code)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        raise BookingRefused(
            Refusal.MALFORMED,
            f"预约码应为{LENGTH}位字母或数字 / a booking code has {LENGTH} letters or digits",
        )
    value = 0
    for ch in text:
        value = (value << 5) | ALPHABET.index(ch)
    mac, packed = value & (2**34 - 1), value >> 34
    parts, rest = {}, packed
    for name, bits in reversed(_BITS[:-1]):
        parts[name], rest = rest & (2**bits - 1), rest >> bits
    slot = Slot(
        parts["hall_no"],
        EPOCH + timedelta(days=parts["day"]),
        parts["start"] * 5,
        parts["length"] * 15,
        parts["serial"],
    )
    return slot, packed, mac


@dataclass(frozen=True)
class Desk:
    """What a hall needs to check codes: its id, number, key and check-in margin."""

    hall: str
    hall_no: int
    key: bytes
    margin_min: int = 30


def service_of(desk: Desk, code: str, services: list[str]) -> tuple[Slot, str]:
    """The slot and the service a code was signed for at this hall, or BookingRefused."""
    slot, packed, mac = read_code(code)
    if slot.hall_no != desk.hall_no:
        raise BookingRefused(
            Refusal.WRONG_HALL,
            f"此预约码属于其他大厅（{slot.hall_no}号），请到预约的大厅签到 / this booking is for "
            f"another hall (no. {slot.hall_no})",
        )
    for service in services:
        if hmac.compare_digest(
            _mac(desk.key, desk.hall, service, packed).to_bytes(5, "big"), mac.to_bytes(5, "big")
        ):
            return slot, service
    raise BookingRefused(
        Refusal.FORGED, "预约码无效，请核对后重新输入 / this booking code is not valid"
    )


def check_time(desk: Desk, slot: Slot, today: date, now_min: int) -> None:
    """Valid on its day from ``margin`` before the slot to ``margin`` after its end."""
    if slot.day < today or (
        slot.day == today and now_min > slot.start_min + slot.minutes + desk.margin_min
    ):
        raise BookingRefused(
            Refusal.EXPIRED,
            f"预约已过期（{slot.day} {slot.hhmm}）/ this booking has expired ({slot.day} "
            f"{slot.hhmm})",
        )
    if slot.day > today:
        raise BookingRefused(
            Refusal.WRONG_DAY,
            f"预约日期为{slot.day}，请当天再来 / this booking is for {slot.day}",
        )
    if now_min < slot.start_min - desk.margin_min:
        raise BookingRefused(
            Refusal.TOO_EARLY,
            f"预约时段{slot.hhmm}，请在{desk.margin_min}分钟内签到 / your slot is at "
            f"{slot.hhmm}; check in from {desk.margin_min} min before",
        )
