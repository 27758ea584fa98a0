"""The retained state a counter reads, decoded into typed structs (msgspec).

These payloads are written by our own service (hallq/core/views.py). Unlike inbound commands,
unknown keys are tolerated here on purpose: the service may add a field to a view and an older
counter in the hall must keep working. Wrong types are still rejected with the key path.
"""

from __future__ import annotations

import logging
from typing import Literal

import msgspec

log = logging.getLogger(__name__)

WindowStatusName = Literal["open", "paused", "closed"]


class WindowState(msgspec.Struct, kw_only=True, frozen=True):
    """``state/window/<window>``: who staffs the window and whom it serves now."""

    window: str
    name: str = ""
    name_en: str = ""
    status: WindowStatusName = "closed"
    staff: str | None = None
    pause_reason: str = ""
    ticket: str | None = None
    ticket_state: str | None = None
    service: str | None = None
    called_at: float | None = None
    served_today: int = 0
    rating_avg: float | None = None
    rating_count: int = 0
    services: dict[str, str] = msgspec.field(default_factory=dict)


class ServiceState(msgspec.Struct, kw_only=True, frozen=True):
    """``state/service/<code>``: how many wait for one service."""

    service: str
    name: str = ""
    name_en: str = ""
    waiting: int = 0
    est_wait_s: float | None = None


_window_decoder = msgspec.json.Decoder(WindowState)
_service_decoder = msgspec.json.Decoder(ServiceState)


def decode_window(payload: bytes) -> WindowState | None:
    """The window's state, or None for an empty (cleared) or unreadable retained message."""
    return _decode(_window_decoder, payload)


def decode_service(payload: bytes) -> ServiceState | None:
    return _decode(_service_decoder, payload)


def _decode(decoder: msgspec.json.Decoder, payload: bytes):  # type: ignore[no-untyped-def]
    if not payload:
        return None
    try:
        return decoder.decode(payload)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        log.warning("unreadable state ignored: %s", exc)
        return None
