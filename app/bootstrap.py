"""One wiring point per process (cosmicpython's ``bootstrap``): config in, real adapters out.

Each ``run_*`` checks the device's role once (:func:`hallq.config.require_role`), builds the
real adapters the config names (MQTT link, printer, keypad, LED boards, announcer) and hands
them to the device's own ``run``, which takes them as arguments, so tests and the simulator
build the same objects with fakes. Nothing here connects: the device opens its adapters in
its ``run``. Device packages are imported only when their process starts (Kivy is heavy).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from broker.ha import HighAvailability
from broker.ports import ServiceLink, Store
from broker.service import BrokerService
from hallq.config import (
    BoardDevice,
    BrokerDevice,
    CounterDevice,
    DisplayDevice,
    EvaluatorDevice,
    HallConfig,
    KioskDevice,
    require_role,
)
from hallq.config_hardware import KeypadConfig
from hallq.core.engine import Engine
from hallq.mqtt import MqttLink
from hallq.store import EventStore


def build_broker(
    cfg: HallConfig,
    device_id: str | None = None,
    *,
    with_link: bool = True,
    store: Store | None = None,
    clock: Callable[[], float] = time.time,
    standby: bool = False,
    sync: bool = True,
) -> BrokerService:
    """The queue service with its real store, engine and MQTT link (not started).

    ``device_id`` None: the config's broker. ``with_link=False``: no MQTT at all, the
    service only answers ``handle()`` (tests, tools); ``store`` replaces the configured one.
    ``standby``: follow the primary (``hallq broker --standby``), ``sync``: the primary's
    replies wait for this standby (docs/deploy.md, "Primary and standby")."""
    device = require_role(cfg, device_id, BrokerDevice)
    link: ServiceLink | None = MqttLink.from_config(cfg, device.id) if with_link else None
    return BrokerService(
        cfg,
        store=store or EventStore(cfg.resolve(device.store)),
        engine=Engine(cfg.layout(), policy=cfg.policy.routing),
        link=link,
        clock=clock,
        ha=HighAvailability(standby=standby, sync=sync) if with_link else None,
    )


def run_kiosk(cfg: HallConfig, device_id: str) -> None:
    """The ticket kiosk: MQTT link and ticket printer from the config."""
    device = require_role(cfg, device_id, KioskDevice)
    from hardware.printer import make_printer
    from kiosk import app as kiosk

    link = MqttLink.from_config(cfg, device.id)
    kiosk.run(cfg, device.id, link=link, printer=make_printer(device.printer))


def run_counter(cfg: HallConfig, device_id: str) -> None:
    """A window's staff terminal: MQTT link, and in keypad mode the keypad, LED board and
    staff-card scanner."""
    device = require_role(cfg, device_id, CounterDevice)
    from counter import app as counter

    link = MqttLink.from_config(cfg, device.id)
    if device.mode == "screen":
        counter.run(cfg, device.id, link=link)
        return
    from hardware.board import SerialWindowBoard
    from hardware.keypad import Keypad
    from hardware.scanner import SerialScanner

    keypad = Keypad(device.keypad or KeypadConfig())
    board = SerialWindowBoard(device.board) if device.board is not None else None
    scanner = SerialScanner(device.scanner) if device.scanner is not None else None
    counter.run(cfg, device.id, link=link, keypad=keypad, board=board, scanner=scanner)


def run_evaluator(cfg: HallConfig, device_id: str) -> None:
    """A window's evaluator: MQTT link, and the five GPIO buttons when the config has them."""
    device = require_role(cfg, device_id, EvaluatorDevice)
    from counter import evaluator_app

    buttons = None
    if device.buttons is not None:
        from hardware.evaluator import Evaluator

        buttons = Evaluator(device.buttons)
    link = MqttLink.from_config(cfg, device.id)
    evaluator_app.run(cfg, device.id, link=link, buttons=buttons)


def run_display(cfg: HallConfig, device_id: str) -> None:
    """A wall display: MQTT link, the zone's announcer and the window LED boards it drives."""
    device = require_role(cfg, device_id, DisplayDevice)
    from display import app as display

    display.run(
        cfg,
        device.id,
        link=MqttLink.from_config(cfg, device.id),
        announcer=display.make_announcer(cfg, device.voice),
        boards=display.make_boards(device.boards),
    )


def run_board(
    cfg: HallConfig,
    device_id: str,
    port: int | None = None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
) -> None:
    """The managers' live board (web, HTTPS with a certificate); its MQTT links come from
    MqttLink.from_config."""
    device = require_role(cfg, device_id, BoardDevice)
    from board import server

    server.run(cfg, device.id, port=port, tls_cert=tls_cert, tls_key=tls_key)
