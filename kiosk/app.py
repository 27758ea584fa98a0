"""The kiosk process: ``run(cfg, device_id)`` wires real adapters; tests pass fakes.

``KioskApp`` is the Kivy app: it owns the screens, the language and large-text switches, and
hops every controller callback onto the main thread.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")  # Kivy must not parse hallq's command line

from hallq.config import HallConfig, KioskDevice, require_role

from .controller import KioskController, wire_link
from .kivy_app import KioskApp
from .offline import LeaseBook, OfflineIssues
from .outbox import PrintOutbox, default_state_dir

log = logging.getLogger(__name__)


def run(
    cfg: HallConfig,
    device_id: str,
    *,
    printer=None,
    link=None,
    scanner=None,
    state_dir: str | Path | None = None,
) -> None:
    """Run the kiosk full screen until the window closes.

    ``state_dir`` keeps undelivered print results, leased numbers and tickets printed
    offline across restarts (default
    ``$XDG_STATE_HOME/hallq/<device>`` or ``~/.local/state/hallq/<device>``)."""
    device = require_role(cfg, device_id, KioskDevice)
    from hallq.client import CommandClient
    from hallq.mqtt import MqttLink
    from hardware.printer import make_printer

    link = link or MqttLink.from_config(cfg, device_id)
    printer = printer or make_printer(device.printer)
    scanner = scanner or _make_scanner(device)
    commands = CommandClient(link)
    state = Path(state_dir or default_state_dir(device_id))
    outbox = PrintOutbox.open(commands, state)
    offline = {"leases": LeaseBook.open(state), "offline": OfflineIssues.open(commands, state)}
    controller = build_controller(cfg, device, commands, printer, link, outbox=outbox, **offline)
    wire_link(link, controller)
    app = KioskApp(controller, scanner=scanner, fullscreen=_wants_fullscreen())
    _open_printer(printer)
    link.start()
    try:
        app.run()
    finally:
        link.stop()
        _close(printer)


def build_controller(
    cfg, device, commands, printer, presence, *, outbox=None, leases=None, offline=None
) -> KioskController:
    """The controller with Kivy's main-thread hop as its ``post`` (outbox, leases, offline
    None: in memory)."""
    from kivy.clock import Clock

    def post(fn, *args: Any) -> None:
        Clock.schedule_once(lambda _dt: fn(*args))

    return KioskController(
        cfg,
        device,
        commands,
        printer,
        presence,
        post=post,
        outbox=outbox,
        leases=leases,
        offline=offline,
    )


def _wants_fullscreen() -> bool:
    """Full screen on the kiosk's own console (no desktop), a window on a desktop."""
    if os.environ.get("HALLQ_FULLSCREEN") in ("0", "1"):
        return os.environ["HALLQ_FULLSCREEN"] == "1"
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _make_scanner(device: KioskDevice):
    if not device.scanner:
        return None
    from hardware.scanner import SerialScanner

    return SerialScanner(device.scanner)


def _open_printer(printer) -> None:
    try:
        printer.open()
    except OSError as exc:  # shown as "printer offline" on screen; retried by maintain()
        log.error("printer cannot be opened: %s", exc)


def _close(printer) -> None:
    try:
        printer.close()
    except OSError:
        log.warning("printer close failed", exc_info=True)
