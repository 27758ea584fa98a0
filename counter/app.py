"""``hallq counter --config hall.toml --id <device>``: one window's staff terminal.

Keypad mode (a Pi at the window): hardware.keypad + status LED + optional window LED board.
Screen mode (a staff PC or small touchscreen): the Kivy screen in counter/screen.py.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from hallq.config import HallConfig
from hallq.mqtt import MqttLink

from .keypad_front import KeypadFront
from .wiring import build_counter, counter_device

log = logging.getLogger(__name__)
WINDOW_ENV = "HALLQ_COUNTER_WINDOW"  # WIDTHxHEIGHT; unset: Kivy's default window


def run(
    cfg: HallConfig,
    device_id: str,
    *,
    link: MqttLink | None = None,
    keypad: Any = None,
    board: Any = None,
    scanner: Any = None,
) -> None:
    """Run the counter until interrupted (keypad mode) or until its window closes (screen)."""
    device = counter_device(cfg, device_id)
    if device.mode == "screen":
        from hardware.screen import prepare_screen, size_from_env

        prepare_screen(size_from_env(WINDOW_ENV), fullscreen=False)
        from .screen import run_screen

        run_screen(cfg, device_id, link=link)
        return
    run_keypad(cfg, device_id, link=link, keypad=keypad, board=board, scanner=scanner)


def run_keypad(
    cfg: HallConfig,
    device_id: str,
    *,
    link: MqttLink | None = None,
    keypad: Any = None,
    board: Any = None,
    stop: threading.Event | None = None,
    scanner: Any = None,
) -> None:
    """Keypad + LED (+ board, + staff-card scanner) until SIGINT/SIGTERM or ``stop`` is set."""
    device = counter_device(cfg, device_id)
    link, controller = build_counter(cfg, device_id, link)
    keypad = keypad or _make_keypad(device.keypad)
    board = board if board is not None else _make_board(device.board)
    scanner = scanner if scanner is not None else _make_scanner(device.scanner)
    name = cfg.window(device.window).name
    front = KeypadFront(controller, keypad, board, name, scanner=scanner)
    stop = stop or _stop_on_signals()
    keypad.open()
    if board is not None:
        board.open()
    front.start()
    link.start()
    if scanner is not None:
        scanner.start()
    try:
        stop.wait()
    finally:
        if scanner is not None:
            scanner.stop()
        link.stop()
        keypad.close()
        if board is not None:
            board.close()


def _make_keypad(keypad_cfg: Any) -> Any:
    from hardware.config import KeypadConfig
    from hardware.keypad import Keypad

    return Keypad(keypad_cfg or KeypadConfig())


def _make_scanner(port: str | None) -> Any:
    if port is None:
        return None
    from hardware.scanner import SerialScanner

    return SerialScanner(port)


def _make_board(board_cfg: Any) -> Any:
    if board_cfg is None:
        return None
    from hardware.board import SerialWindowBoard

    return SerialWindowBoard(board_cfg)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: stop.set())
    return stop
