"""Errors of the display package (one root)."""

from __future__ import annotations

from hallq.errors import HallqError


class DisplayError(HallqError):
    """Something the wall display cannot do."""


class NotADisplay(DisplayError, ValueError):
    """The device id in the config is not a display."""


class FontMissing(DisplayError, FileNotFoundError):
    """The Chinese font is not installed (Kivy's own font shows Chinese as boxes)."""


class BadMessage(DisplayError, ValueError):
    """A payload the display cannot read (logged and dropped; the rest keeps working)."""
