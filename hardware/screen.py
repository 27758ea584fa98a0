"""The one Kivy start-up for every hallq screen (kiosk, wall display, counter, evaluator).

Kivy reads its window settings once, when ``kivy.core.window`` is first imported, and its Roboto
font has no Chinese. So every Kivy process calls :func:`prepare_screen` before it imports any
Kivy module that opens the window: it sets full screen or a window size, and registers the CJK
font (hallq/fonts.py) as Kivy's default so every label renders Chinese. Kivy is imported only
inside these functions: importing this module costs nothing.
"""

from __future__ import annotations

import logging
import os

from hallq.fonts import find_cjk_font

log = logging.getLogger(__name__)
Size = tuple[int, int]


def prepare_screen(
    size: Size | None = None, *, font: str | None = None, fullscreen: bool | None = None
) -> str:
    """Configure Kivy's window and default font; returns the font path in use.

    ``size`` None with ``fullscreen`` None or True: full screen without a cursor (the device's
    own monitor); a ``size``: a window of that size (a demo, a test under Xvfb). ``fullscreen``
    False with no size leaves Kivy's default window. Raises hallq.fonts.FontMissing before any
    window opens when no Chinese font is installed.
    """
    path = find_cjk_font(font)
    configure_window(size, fullscreen=fullscreen)
    register_default_font(path)
    return path


def configure_window(size: Size | None, *, fullscreen: bool | None = None) -> None:
    """Window settings must be in Kivy's Config before the window module is imported."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # Kivy must not parse hallq's command line
    from kivy.config import Config

    if size is not None:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    elif fullscreen is not False:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
    Config.set("kivy", "exit_on_escape", "1")


def register_default_font(path: str) -> None:
    """Make ``path`` Kivy's default font for every style (regular, italic, bold, bold italic)."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, path, path, path, path)
    log.info("default font: %s", path)


def size_from_env(name: str) -> Size | None:
    """``WIDTHxHEIGHT`` from environment variable ``name``, or None (unset or unreadable)."""
    raw = os.environ.get(name, "")
    try:
        w, h = (int(x) for x in raw.lower().split("x"))
    except ValueError:
        if raw:
            log.warning("%s=%r is not WIDTHxHEIGHT; going full screen", name, raw)
        return None
    return w, h
