"""On-screen evaluator (Kivy): the five ratings appear when a ticket at this window finished."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from hallq.config import HallConfig
from hallq.mqtt import MqttLink

from .evaluation import EvaluationController, Outcome, Record
from .wiring import build_evaluator

HERE = Path(__file__).parent
IDLE = "欢迎办理业务\nWelcome"
THANKS = {
    Outcome.RATED: "感谢您的评价！\nThank you for your rating",
    Outcome.NOT_RATED: IDLE,
    Outcome.REFUSED: "该号码已评价\nThis ticket was already rated",
    Outcome.NOT_SENT: "网络故障，评价未送达\nOffline: rating not delivered",
}


class EvaluatorScreen(Screen):
    prompt_text = StringProperty(IDLE)
    asking = BooleanProperty(False)
    controller = ObjectProperty(None)

    def rate(self, score: int) -> None:
        self.asking = False
        threading.Thread(target=self.controller.rate, args=(score,), daemon=True).start()

    def ask(self, ticket: str) -> None:
        self.prompt_text = f"请为 {ticket} 号的服务评价\nPlease rate the service for {ticket}"
        self.asking = True

    def done(self, record: Record) -> None:
        if self.controller.asking is None:
            self.asking = False
            self.prompt_text = THANKS[record.outcome]

    def idle(self) -> None:
        """The thank-you has been read: back to the welcome until the next ticket."""
        if not self.asking:
            self.prompt_text = IDLE


class EvaluatorApp(App):
    def __init__(self, controller: EvaluationController, **kw: Any) -> None:
        super().__init__(**kw)
        self.controller = controller
        self.title = "hallq 评价器 Evaluator"

    def build(self) -> EvaluatorScreen:
        Builder.load_file(str(HERE / "evaluator.kv"))
        screen = EvaluatorScreen(name="evaluator", controller=self.controller)
        c = self.controller
        c.when_ask = lambda t: Clock.schedule_once(lambda _dt: screen.ask(t))
        c.when_done = lambda r: Clock.schedule_once(lambda _dt: screen.done(r))
        c.when_idle = lambda: Clock.schedule_once(lambda _dt: screen.idle())
        Clock.schedule_interval(lambda _dt: c.tick(), 1.0)
        return screen


def run_evaluator_screen(cfg: HallConfig, device_id: str, *, link: MqttLink | None = None) -> None:
    link, controller = build_evaluator(cfg, device_id, link)
    app = EvaluatorApp(controller)
    link.start()
    try:
        app.run()
    finally:
        link.stop()
