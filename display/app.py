"""The wall display process: ``hallq display --config hall.toml --id <display>``.

One wiring point: :func:`run` builds the real MQTT link, announcer and window boards from the
config; tests pass fakes for any of them. MQTT handlers run on paho's thread: they only decode
the payload and hop to Kivy's main thread, where the controller updates model and widgets.
Window boards are driven straight from the paho thread (no widgets involved).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from display.model import DisplayModel, HallInfo, hall_info
from hallq.config import DisplayDevice, require_role
from hallq.service_watch import ServiceWatch
from hallq.state import StateClient
from hardware.board import WindowBoard
from hardware.screen import prepare_screen, size_from_env
from hardware.voice import Announcer
from hardware.window_board import WindowBoardDriver

if TYPE_CHECKING:
    from display.wall import WallController

log = logging.getLogger(__name__)
STALE_S = 30.0
WINDOW_ENV = "HALLQ_DISPLAY_WINDOW"
Ready = Callable[[Any, "WallController"], None]
Hop = Callable[[Callable[[], None]], None]


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
    dev = require_role(cfg, device_id, DisplayDevice)  # the one role check
    prepare_screen(window_size or size_from_env(WINDOW_ENV), font=dev.font)
    if link is None:
        from hallq.mqtt import MqttLink

        link = MqttLink.from_config(cfg, device_id)
    announcer = announcer if announcer is not None else make_announcer(cfg, dev.voice)
    boards = boards if boards is not None else make_boards(dev.boards)
    info = hall_info(cfg)
    model = DisplayModel(
        info, zone=dev.zone, recent=dev.recent, stale_s=STALE_S, is_announcing=announcer is not None
    )
    from display.kivy_app import DisplayApp

    driver = WindowBoardDriver(boards)
    follows = Follows.of(info, dev.zone, driver)
    DisplayApp(cfg, model, link, announcer, driver, follows=follows, when_ready=when_ready).run()


class Follows:
    """What a display subscribes to: its zone's windows and services (None: the whole hall),
    plus the windows of the LED boards it drives."""

    def __init__(self, windows: list[str] | None, services: list[str] | None) -> None:
        self.windows, self.services = windows, services

    @classmethod
    def of(cls, info: HallInfo, zone: str, driver: WindowBoardDriver) -> Follows:
        if not zone:
            return cls(None, None)
        windows = [w for w, z in info.window_zones.items() if z == zone]
        services = sorted(info.zone_services.get(zone, ())) or None  # none listed: all
        return cls(sorted({*windows, *driver.windows}), services)


def subscribe(
    link: Any,
    hop: Hop,
    ctl: Any,
    driver: WindowBoardDriver,
    follows: Follows | None = None,
    *,
    services: Iterable[str] = (),
) -> StateClient:
    """Wire the state client's feeds to the controller (via ``hop``) and the boards (directly).

    event/called is the only source of calls and announcements; window states restore the
    wall after a (re)start and drive the boards; service states give the waiting counts.
    """
    follows = follows or Follows(None, None)
    state = StateClient(link)
    state.follow_calls().listen(_hopped(hop, ctl.on_called))
    windows = state.follow_windows(follows.windows)
    windows.listen(_hopped(hop, ctl.on_window))
    windows.listen(driver.on_window)
    state.follow_services(follows.services).listen(_hopped(hop, ctl.on_service))
    watch = ServiceWatch(
        services,
        lambda up: hop(partial(ctl.set_service, up)),
        here=lambda: getattr(link, "via", None),
    )
    watch.follow(state, link)  # presence of the services, and the Mosquittos' bridge

    def connection(up: bool) -> None:
        hop(partial(ctl.set_online, up))
        watch.on_connection(up)

    link.when_connected = lambda: connection(True)
    link.when_disconnected = lambda: connection(False)
    return state


def _hopped(hop: Hop, target: Callable[[Any], None]) -> Callable[[str, Any], None]:
    def listener(_key: str, payload: Any) -> None:
        if payload is not None:  # a cleared retained message changes nothing on the wall
            hop(partial(target, payload))

    return listener


def make_announcer(cfg: Any, voice_cfg: Any) -> Announcer | None:
    """The zone's announcer from hardware.voice, or None for a silent display."""
    if voice_cfg is None or voice_cfg.engine == "none":
        return None
    import msgspec

    from hardware import voice

    cache = str(cfg.resolve(voice_cfg.cache_dir))  # relative to hall.toml, not to the cwd
    return voice.Announcer(msgspec.structs.replace(voice_cfg, cache_dir=cache))


def make_boards(bindings: Iterable[Any]) -> dict[str, WindowBoard]:
    """The window LED boards this display drives (serial), by window id."""
    if not bindings:
        return {}
    from hardware import board

    return {b.window: board.SerialWindowBoard(b.board) for b in bindings}
