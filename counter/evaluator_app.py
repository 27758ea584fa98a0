"""``hallq evaluator --config hall.toml --id <device>``: the citizen's rating device at a window.

With ``buttons`` in the config: five GPIO buttons and LEDs (hardware.evaluator.Evaluator).
Without: an on-screen evaluator (Kivy, counter/evaluator.kv). Either way the EvaluationController
decides which ticket is rated; "not rated" after the timeout is recorded locally and logged.
"""

from __future__ import annotations

import threading
from typing import Any

from hallq.config import HallConfig
from hallq.mqtt import MqttLink

from .evaluation import EvaluationController, Record
from .wiring import build_evaluator, evaluator_device


def run(
    cfg: HallConfig,
    device_id: str,
    *,
    link: MqttLink | None = None,
    buttons: Any = None,
    stop: threading.Event | None = None,
) -> None:
    """Run until interrupted; ``buttons`` may be a ready hardware.evaluator.Evaluator (tests)."""
    device = evaluator_device(cfg, device_id)
    if device.buttons is None and buttons is None:
        from hardware.screen import prepare_screen

        prepare_screen(fullscreen=False)
        from .evaluator_screen import run_evaluator_screen

        run_evaluator_screen(cfg, device_id, link=link)
        return
    timeout = device.buttons.timeout_s if device.buttons else 30.0
    link, controller = build_evaluator(cfg, device_id, link, timeout_s=timeout)
    evaluator = buttons or _make_evaluator(device.buttons)
    attach_buttons(controller, evaluator)
    from .app import _stop_on_signals

    stop = stop or _stop_on_signals()
    evaluator.open()
    link.start()
    ticker = threading.Thread(target=_tick_until, args=(controller, stop), daemon=True)
    ticker.start()
    try:
        stop.wait()
    finally:
        link.stop()
        evaluator.close()


def attach_buttons(controller: EvaluationController, evaluator: Any) -> None:
    """Light the buttons when a rating is wanted; a press rates (off the GPIO thread)."""
    controller.when_ask = lambda _ticket: evaluator.ask()

    def done(record: Record) -> None:
        if controller.asking is None:
            evaluator.cancel()

    controller.when_done = done
    evaluator.when_rated = lambda score: threading.Thread(
        target=controller.rate, args=(score,), daemon=True
    ).start()
    evaluator.when_timeout = controller.tick


def _tick_until(controller: EvaluationController, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        controller.tick()


def _make_evaluator(buttons_cfg: Any) -> Any:
    from hardware.evaluator import Evaluator

    return Evaluator(buttons_cfg)
