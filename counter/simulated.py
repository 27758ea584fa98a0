"""Headless counters and evaluators for ``hallq demo``: staff and citizens with plausible timings.

A SimulatedCounter signs in and then loops: call next (or wait when nobody waits), sometimes
recall, sometimes the citizen does not come (no-show after two recalls), otherwise start, serve
for about the service's average time, finish. ``speed`` compresses time (60 = a minute a second).
It goes through the same CounterController as the real terminals, so guards apply alike.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

from hallq.config import HallConfig
from hallq.mqtt import MqttLink

from .controller import Action, CounterController
from .wiring import build_counter, build_evaluator, counter_device

log = logging.getLogger(__name__)
NO_SHOW_RATE = 0.06
RECALL_RATE = 0.15
SCORE_WEIGHTS = {5: 60, 4: 25, 3: 9, 2: 4, 1: 2}


class SimulatedCounter:
    """One window's simulated staff member (a daemon thread; ``stop()`` signs out)."""

    def __init__(
        self,
        cfg: HallConfig,
        device_id: str,
        rng: random.Random,
        speed: float = 60.0,
        *,
        link: MqttLink | None = None,
    ) -> None:
        device = counter_device(cfg, device_id)
        self.rng, self.speed = rng, speed
        self.avg_s = {s.code: s.avg_service_min * 60 for s in cfg.services}
        self.staff = f"S{device.window}"[:32]
        self.link, self.controller = build_counter(cfg, device_id, link, repeat_guard_s=0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sim-{device_id}", daemon=True)

    def start(self) -> None:
        if not self.link.is_connected:
            self.link.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.controller.press(Action.SIGN_OUT)
        self.link.stop()

    def _sleep(self, seconds: float) -> bool:
        """Sleep simulated seconds; True when asked to stop."""
        return self._stop.wait(seconds / self.speed)

    def _run(self) -> None:
        c: CounterController = self.controller
        self.link.wait_for_connection(30)
        while not self._stop.is_set() and not c.press(Action.SIGN_IN, staff=self.staff).ok:
            self._sleep(30)
        while not self._stop.is_set():
            try:
                self._serve_one(c)
            except Exception:
                log.exception("simulated counter %s failed; carrying on", c.window)
                self._sleep(30)

    def _serve_one(self, c: CounterController) -> None:
        result = c.press(Action.CALL_NEXT)
        if not result.ok:
            self._sleep(self.rng.uniform(20, 60))  # nobody waiting (or offline): look again
            return
        self._sleep(self.rng.uniform(15, 45))  # the citizen walks to the window
        if self.rng.random() < NO_SHOW_RATE:
            for _ in range(2):
                c.press(Action.RECALL)
                self._sleep(30)
            c.press(Action.NO_SHOW)
            return
        if self.rng.random() < RECALL_RATE:
            c.press(Action.RECALL)
            self._sleep(20)
        c.press(Action.START)
        service = str(getattr(result.reply, "service", ""))
        avg = self.avg_s.get(service, 480.0)
        self._sleep(self.rng.lognormvariate(0, 0.4) * avg)
        c.press(Action.FINISH)
        self._sleep(self.rng.uniform(5, 20))


class SimulatedEvaluator:
    """Rates a share of finished tickets after a short think; the rest time out unrated."""

    def __init__(
        self,
        cfg: HallConfig,
        device_id: str,
        rng: random.Random,
        speed: float = 60.0,
        *,
        rate_share: float = 0.7,
        link: MqttLink | None = None,
    ) -> None:
        self.rng, self.speed, self.rate_share = rng, speed, rate_share
        self.link, self.controller = build_evaluator(cfg, device_id, link, timeout_s=30 / speed)
        self.controller.when_ask = self._asked
        self._timers: list[threading.Timer] = []

    def start(self) -> None:
        if not self.link.is_connected:
            self.link.start()

    def stop(self) -> None:
        for t in self._timers:
            t.cancel()
        self.link.stop()

    def _asked(self, _ticket: str) -> None:
        if self.rng.random() >= self.rate_share:
            timer = threading.Timer(31 / self.speed, self.controller.tick)
        else:
            score = self.rng.choices(list(SCORE_WEIGHTS), list(SCORE_WEIGHTS.values()))[0]
            timer = threading.Timer(self.rng.uniform(2, 10) / self.speed, self._rate, (score,))
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def _rate(self, score: int) -> Any:
        return self.controller.rate(score)
