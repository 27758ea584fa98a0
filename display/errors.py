"""Errors of the display package (one root)."""

from __future__ import annotations

from hallq.errors import HallqError


class DisplayError(HallqError):
    """Something the wall display cannot do."""
