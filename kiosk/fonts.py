"""A font that renders Simplified Chinese, registered as Kivy's default before any widget."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


class FontMissing(RuntimeError):
    """No font with Chinese glyphs was found: labels would show boxes."""


def find_cjk_font(configured: str | None = None) -> str:
    """The configured font if it exists, else the first known CJK font on the system."""
    for path in (configured, *CANDIDATES):
        if path and Path(path).is_file():
            return path
    raise FontMissing(
        "no Chinese font found: install fonts-wqy-microhei or set font = '...' for the kiosk"
    )


def register_default_font(path: str) -> None:
    """Make ``path`` Kivy's default font (every Label uses it)."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, path, path, path, path)
    log.info("default font: %s", path)
