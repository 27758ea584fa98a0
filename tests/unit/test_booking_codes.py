"""hallq/booking.py: codes round-trip, are 16 characters of the kiosk's alphabet, and cannot be
moved to another slot, service or hall without the key."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallq.booking import (
    BookingRefused,
    Desk,
    Refusal,
    Slot,
    make_code,
    read_code,
    service_of,
)

KEY = b"k" * 32
slots = st.builds(
    Slot,
    hall_no=st.integers(0, 127),
    day=st.dates(date(2024, 1, 1), date(2080, 1, 1)),
    start_min=st.integers(0, 287).map(lambda n: n * 5),
    minutes=st.integers(1, 15).map(lambda n: n * 15),
    serial=st.integers(0, 2047),
)


@given(slots)
def test_a_code_round_trips_and_verifies_for_its_service_only(slot):
    booking = make_code(KEY, "county", "rs01", slot)
    assert len(booking) == 16 and booking.isalnum() and booking.isupper()
    assert read_code(booking)[0] == slot
    desk = Desk("county", slot.hall_no, KEY)
    assert service_of(desk, booking, ["bdc01", "rs01"]) == (slot, "rs01")
    with pytest.raises(BookingRefused) as refused:
        service_of(desk, booking, ["bdc01"])
    assert refused.value.reason is Refusal.FORGED


def test_confusable_letters_are_forgiven():
    booking = make_code(KEY, "county", "rs01", Slot(1, date(2026, 11, 23), 600, 30, 7))
    typed = booking.lower().replace("1", "l").replace("0", "o")
    assert read_code(typed)[0] == read_code(booking)[0]


@pytest.mark.parametrize("text", ["", "ABC", "A" * 17, "ABCDEFGHJKMNPQR*"])
def test_malformed_codes_are_refused(text):
    with pytest.raises(BookingRefused) as refused:
        read_code(text)
    assert refused.value.reason is Refusal.MALFORMED
