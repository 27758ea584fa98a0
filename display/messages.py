"""Typed decoding of what a wall display reads: event/called and the retained window/service state.

These are *tolerant readers*: unknown keys are ignored (not rejected as for inbound commands)
because the broker adds fields to state over time and an old display on the wall must keep
working. Wrong types in the keys we use are still rejected, with the key path in the error.
"""

from __future__ import annotations

from typing import Any

import msgspec

from display.errors import BadMessage


class CalledEvent(msgspec.Struct, kw_only=True, frozen=True):
    """event/called: a ticket was called (or recalled) to a window."""

    ticket: str
    window: str
    at: float
    service: str = ""
    window_name: str = ""
    service_name: str = ""
    zone: str | None = None
    recall: bool = False


class WindowState(msgspec.Struct, kw_only=True, frozen=True):
    """Retained state/window/<w>."""

    window: str
    name: str = ""
    name_en: str = ""
    zone: str = ""
    status: str = "closed"
    ticket: str | None = None
    ticket_state: str | None = None
    service: str | None = None
    called_at: float | None = None


class ServiceState(msgspec.Struct, kw_only=True, frozen=True):
    """Retained state/service/<code>."""

    service: str
    name: str = ""
    name_en: str = ""
    department: str = ""
    waiting: int = 0
    est_wait_s: float | None = None


def decode(payload: bytes, kind: type[Any]) -> Any:
    """Decode one payload into ``kind`` or raise BadMessage naming the key path."""
    try:
        return msgspec.json.decode(payload, type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise BadMessage(f"{kind.__name__}: {exc}") from exc
