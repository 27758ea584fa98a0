"""The one font finder: a font that renders Simplified Chinese, for Kivy and for Pillow.

Kivy's Roboto and Pillow's default font have no Chinese (labels show boxes). Every screen, the
ticket preview, the board's report charts and the simulator's plots find their font here.
Standard library only; Kivy registration lives in hardware/screen.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

from hallq.errors import HallqError

log = logging.getLogger(__name__)

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


class FontMissing(HallqError, FileNotFoundError):
    """No font with Chinese glyphs was found: labels would show boxes."""


def find_cjk_font(configured: str | None = None) -> str:
    """The configured font if it exists, else the first known CJK font on the system.

    A configured font that is missing is logged and the search goes on (a screen with another
    Chinese font beats a screen that does not start); no Chinese font at all raises FontMissing.
    """
    if configured:
        if Path(configured).is_file():
            return configured
        log.warning("configured font %s not found; looking for another Chinese font", configured)
    for path in CANDIDATES:
        if Path(path).is_file():
            return path
    raise FontMissing(
        "no Chinese font found: install fonts-wqy-microhei (apt) or set the device's "
        "'font' in hall.toml"
    )


def cjk_font_or_none() -> str | None:
    """The system's CJK font, or None (callers that can fall back, e.g. Pillow's default)."""
    try:
        return find_cjk_font()
    except FontMissing:
        return None
