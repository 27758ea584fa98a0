"""The wall display process: ``hallq display --config hall.toml --id <display>``.

One wiring point: :func:`run` builds the real MQTT link, announcer and window boards from the
config; tests pass fakes for any of them. MQTT handlers run on paho's thread: they only decode
the payload and hop to Kivy's main thread, where the controller updates model and widgets.
Window boards are driven straight from the paho thread (no widgets involved).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from display.boards import WindowBoard, WindowBoardDriver
from display.errors import BadMessage, FontMissing, NotADisplay
from display.messages import CalledEvent, ServiceState, WindowState, decode
from display.model import DisplayModel, hall_info
from display.voice import AnnounceQueue, Announcer

if TYPE_CHECKING:
    from display.wall import WallController

log = logging.getLogger(__name__)
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
STALE_S = 30.0
Ready = Callable[[Any, "WallController"], None]


def run(
    cfg: Any,
    device_id: str,
    *,
    link: Any = None,
    announcer: Announcer | None = None,
    boards: dict[str, WindowBoard] | None = None,
    window_size: tuple[int, int] | None = None,
    when_ready: Ready | None = None,
) -> None:
    """Run the wall display until its window is closed.

    ``window_size`` None means full screen, unless HALLQ_DISPLAY_WINDOW=WIDTHxHEIGHT asks for
    a window (a demo beside the kiosk); ``when_ready(app, controller)`` is called on the main
    thread once the first frame is up (tests and benchmarks drive the screen from there).
    """
    dev = cfg.device(device_id)
    if dev.role != "display":
        raise NotADisplay(f"device {device_id!r} is a {dev.role}, not a display")
    _configure_kivy(window_size or _size_from_env())
    _register_font(dev.font)
    if link is None:
        from hallq.mqtt import MqttLink

        link = MqttLink.from_config(cfg, device_id)
    announcer = announcer if announcer is not None else make_announcer(cfg, dev.voice)
    boards = boards if boards is not None else make_boards(dev.boards)
    voice = AnnounceQueue(announcer) if announcer is not None else None
    model = DisplayModel(hall_info(cfg), zone=dev.zone, recent=dev.recent, stale_s=STALE_S)
    from display.kivy_app import DisplayApp

    app = DisplayApp(cfg, model, link, voice, WindowBoardDriver(boards), when_ready=when_ready)
    app.run()


def _configure_kivy(window_size: tuple[int, int] | None) -> None:
    """Window settings must be in Kivy's Config before the window module is imported."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    if window_size is None:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(window_size[0]))
        Config.set("graphics", "height", str(window_size[1]))
    Config.set("kivy", "exit_on_escape", "1")


def _register_font(path: str | None) -> None:
    """Make the CJK font Kivy's default, so every label renders Chinese."""
    font = path or CJK_FONT
    if not Path(font).exists():
        raise FontMissing(
            f"Chinese font {font} not found: install fonts-wqy-microhei or set the "
            "display's 'font' in hall.toml"
        )
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, font)


def _size_from_env() -> tuple[int, int] | None:
    raw = os.environ.get("HALLQ_DISPLAY_WINDOW", "")
    try:
        w, h = (int(x) for x in raw.lower().split("x"))
    except ValueError:
        if raw:
            log.warning("HALLQ_DISPLAY_WINDOW=%r is not WIDTHxHEIGHT; going full screen", raw)
        return None
    return w, h


def make_announcer(cfg: Any, voice_cfg: Any) -> Announcer | None:
    """The zone's announcer from hardware.voice, or None for a silent display."""
    if voice_cfg is None or voice_cfg.engine == "none":
        return None
    import msgspec

    from hardware import voice

    cache = str(cfg.resolve(voice_cfg.cache_dir))  # relative to hall.toml, not to the cwd
    return voice.Announcer(msgspec.structs.replace(voice_cfg, cache_dir=cache))


def make_boards(bindings: list[Any]) -> dict[str, WindowBoard]:
    """The window LED boards this display drives (serial), by window id."""
    if not bindings:
        return {}
    from hardware import board

    return {b.window: board.SerialWindowBoard(b.board) for b in bindings}


def subscribe(link: Any, hop: Callable[..., None], ctl: Any, driver: WindowBoardDriver) -> None:
    """Wire the link's topics to the controller (via ``hop``) and the boards (directly)."""
    t = link.topics

    def handler(kind: type[Any], target: Callable[[Any], None]) -> Callable[[str, bytes], None]:
        def on_message(topic: str, payload: bytes) -> None:
            if not payload:
                return  # a cleared retained message
            try:
                msg = decode(payload, kind)
            except BadMessage as exc:
                log.warning("ignoring %s: %s", topic, exc)
                return
            hop(partial(target, msg))

        return on_message

    link.subscribe(t.event("called"), handler(CalledEvent, ctl.on_called))
    link.subscribe(t.window("+"), handler(WindowState, ctl.on_window))
    link.subscribe(t.window("+"), driver.on_message)
    link.subscribe(t.service("+"), handler(ServiceState, ctl.on_service))
    link.when_connected = lambda: hop(partial(ctl.set_online, True))
    link.when_disconnected = lambda: hop(partial(ctl.set_online, False))
