"""Refusals of the queue rules, with stable codes that travel in MQTT replies."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Public error codes (docs/protocol.md lists them); never renamed."""

    BAD_JSON = "bad_json"
    BAD_PAYLOAD = "bad_payload"
    TOO_LARGE = "too_large"
    UNKNOWN_OP = "unknown_op"
    UNKNOWN_DEVICE = "unknown_device"
    FORBIDDEN = "forbidden"
    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_WINDOW = "unknown_window"
    UNKNOWN_TICKET = "unknown_ticket"
    UNKNOWN_PRIORITY = "unknown_priority"
    UNKNOWN_MATTER = "unknown_matter"  # an issue naming a matter (一件事) the hall lacks
    UNKNOWN_ROOM = "unknown_room"  # a joint review naming no [[rooms]] id
    UNKNOWN_DEPARTMENT = "unknown_department"
    UNKNOWN_REVIEW = "unknown_review"  # no joint review with that id today
    NO_OPEN_WINDOW = "no_open_window"  # a department (or named staff) has no window to summon
    NOT_AGENCY_DESK = "not_agency_desk"  # agency ops (帮办代办) only at a window marked agency
    QUEUE_EMPTY = "queue_empty"
    SERVICE_CLOSED = "service_closed"
    HALL_CLOSED = "hall_closed"
    DAILY_CAP = "daily_cap"
    WINDOW_CLOSED = "window_closed"
    WINDOW_PAUSED = "window_paused"
    NO_CURRENT_TICKET = "no_current_ticket"
    BAD_STATE = "bad_state"
    ALREADY_RATED = "already_rated"
    BOOKING_INVALID = "booking_invalid"  # a booking code that does not check in here now
    NOT_LEASED = "not_leased"  # an offline ticket whose number this kiosk holds no lease for
    BOOKING_REFUSED = "booking_refused"  # the region will not book it (full, no such slot, ...)
    REGION_UNREACHABLE = "region_unreachable"  # no answer from the region: nothing booked
    INTERNAL = "internal"


class QueueError(Exception):
    """A command the rules refuse; the state is unchanged."""

    def __init__(self, code: ErrorCode, message: str, opens_at: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.opens_at = opens_at  # hall_closed / service_closed / daily_cap: next opening
