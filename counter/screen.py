"""Screen mode (Kivy): sign-in and work screens over the shared CounterController.

Import this module only after hardware.screen.prepare_screen() (counter/app.py does): importing
it opens Kivy's window. Widgets only hold properties; every key goes to the controller, which
sends on a worker thread. State arrives on paho's thread and hops to Kivy's main thread via
Clock.schedule_once.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

from hallq.config import HallConfig
from hallq.mqtt import MqttLink

from .controller import Action, CounterController, CounterView
from .present import screen_texts
from .wiring import build_counter

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
F_KEYS = {282: "call_next", 283: "recall", 284: "no_show", 285: "finish"}
F5 = 286
F6 = 287
F7 = 288  # confirm a joint review summons (联审)
PAUSE_REASONS = ("休息 Break", "会议 Meeting", "系统故障 System fault", "咨询 Enquiry")


class PickerView(ModalView):
    """A list of choices (services to transfer to, or pause reasons)."""

    title = StringProperty("")
    with_text = BooleanProperty(False)
    when_chosen = ObjectProperty(None, allownone=True)

    def fill(self, choices: list[tuple[str, str]]) -> PickerView:
        grid = self.ids.choices_grid
        for value, label in choices:
            button = Button(text=label, font_size="20sp", halign="center")
            button.bind(size=lambda b, s: setattr(b, "text_size", (s[0] - 8, None)))
            button.bind(on_release=lambda _b, v=value: self.choose(v))
            grid.add_widget(button)
        return self

    def choose(self, value: str) -> None:
        self.dismiss()
        if self.when_chosen is not None and value.strip():
            self.when_chosen(value.strip())


class SignInScreen(Screen):
    window_text = StringProperty("")
    note_text = StringProperty("")
    online_text = StringProperty("连接中… Connecting")
    online = BooleanProperty(False)
    controller = ObjectProperty(None)

    def sign_in(self) -> None:
        self.controller.submit(Action.SIGN_IN, staff=self.ids.staff_input.text)

    def show(self, view: CounterView, app: CounterApp) -> None:
        self.window_text = view.name or view.window
        self.note_text = (view.note.text() + "  " + view.note.en) if view.note else ""
        self.online = view.online and view.service_up
        self.online_text = (
            ("在线 Online" if view.service_up else "排队服务中断 Service down")
            if view.online
            else "离线 Offline"
        )


class WorkScreen(Screen):
    window_text = StringProperty("")
    status_text = StringProperty("")
    status_color = ListProperty([1, 1, 1, 1])
    ticket_text = StringProperty("—")
    service_text = StringProperty("")
    elapsed_text = StringProperty("")
    reason_text = StringProperty("")
    waiting_text = StringProperty("0")
    served_text = StringProperty("0")
    rating_text = StringProperty("—")
    note_text = StringProperty("")
    pause_text = StringProperty("暂停\nPause F6")
    stage_text = StringProperty("")
    summons_text = StringProperty("")
    controller = ObjectProperty(None)
    _timer: Any = None

    def on_enter(self, *_a: Any) -> None:
        self._timer = Clock.schedule_interval(lambda _dt: self.refresh(), 1.0)

    def on_pre_leave(self, *_a: Any) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def press(self, op: str, **fields: Any) -> None:
        self.controller.submit(Action(op), **fields)

    def refresh(self) -> None:
        self.show(self.controller.view(), App.get_running_app())

    def show(self, view: CounterView, app: CounterApp) -> None:
        t = screen_texts(view, app.service_names, time.time())
        self.window_text, self.status_text, self.status_color = t.window, t.status, t.status_color
        self.ticket_text, self.service_text, self.elapsed_text = t.ticket, t.service, t.elapsed
        self.waiting_text, self.served_text, self.rating_text = t.waiting, t.served, t.rating
        self.note_text, self.pause_text, self.reason_text = t.note, t.pause, t.reason
        self.stage_text, self.summons_text = t.stage, t.summons

    def open_transfer(self) -> None:
        app = App.get_running_app()
        view = PickerView(
            title="转办到  Transfer to", when_chosen=lambda c: self.press("transfer", service=c)
        )
        current = self.controller.view().service
        choices = sorted((c, n) for c, n in app.service_names.items() if c != current)
        view.fill(choices).open()
        app.picker = view

    def open_pause(self) -> None:
        app = App.get_running_app()
        if self.controller.view().status == "paused":
            self.press("resume")
            return
        view = PickerView(
            title="暂停原因  Pause reason",
            with_text=True,
            when_chosen=lambda r: self.press("pause", reason=r),
        )
        view.fill([(r, r) for r in PAUSE_REASONS]).open()
        app.picker = view


class CounterApp(App):
    """The staff terminal; ``controller`` and ``link`` are built by run_screen or a test."""

    def __init__(self, controller: CounterController, service_names: dict[str, str], **kw: Any):
        super().__init__(**kw)
        self.controller, self.service_names = controller, service_names
        self.picker: PickerView | None = None
        self.title = "hallq 窗口 Counter"

    def build(self) -> ScreenManager:
        for kv in ("signin.kv", "work.kv", "pickers.kv"):
            Builder.load_file(str(HERE / kv))
        sm = ScreenManager(transition=NoTransition())
        sm.add_widget(SignInScreen(name="signin", controller=self.controller))
        sm.add_widget(WorkScreen(name="work", controller=self.controller))
        self.controller.when_changed = lambda v: Clock.schedule_once(lambda _dt: self.show(v))
        Window.bind(on_key_down=self.on_key)
        Clock.schedule_once(lambda _dt: self.show(self.controller.view()))
        return sm

    def show(self, view: CounterView) -> None:
        """Main thread only: switch screen by window status and redraw."""
        sm = self.root
        wanted = "signin" if view.status == "closed" else "work"
        if sm.current != wanted:
            sm.current = wanted
        sm.get_screen(wanted).show(view, self)

    def on_key(self, _win: Any, key: int, *_a: Any) -> bool:
        work: WorkScreen = self.root.get_screen("work")
        if self.root.current != "work" or (self.picker and self.picker.parent):
            return False
        if key == F6:
            work.open_pause()
        elif key == F5:
            work.open_transfer()
        elif key == F7:
            work.press("joint_confirm")
        elif key in F_KEYS:
            work.press(F_KEYS[key])
        else:
            return False
        return True


def make_app(cfg: HallConfig, controller: CounterController) -> CounterApp:
    """The app; hardware.screen.prepare_screen() must have run (window and Chinese font)."""
    names = {s.code: s.name for s in cfg.services}
    return CounterApp(controller, names)


def run_screen(cfg: HallConfig, device_id: str, *, link: MqttLink | None = None) -> None:
    link, controller = build_counter(cfg, device_id, link)
    app = make_app(cfg, controller)
    link.start()
    try:
        app.run()
    finally:
        link.stop()
