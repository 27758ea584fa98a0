"""The Kivy application: screens, language and large-text switches, main-thread hops."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from hallq.fonts import find_cjk_font
from hardware.screen import register_default_font

from . import catalog
from .controller import KioskController
from .outcome import Outcome
from .screens.appointment import AppointmentScreen
from .screens.home import HomeScreen
from .screens.priority import PriorityScreen
from .screens.services import ServicesScreen
from .screens.ticket import TicketScreen
from .texts import pick, tr

LARGE_SCALE = 1.35
MAINTAIN_S = 3.0
KV_FILES = (
    "widgets.kv",
    "screens/home.kv",
    "screens/services.kv",
    "screens/priority.kv",
    "screens/appointment.kv",
    "screens/ticket.kv",
)


class KioskApp(App):
    lang = StringProperty("zh")
    large = BooleanProperty(False)
    scale = NumericProperty(1.0)
    u = NumericProperty(1.0)  # layout unit: the window's short side / 480 px
    cols = NumericProperty(3)
    portrait = BooleanProperty(False)
    has_appointments = BooleanProperty(False)
    has_matters = BooleanProperty(False)

    def __init__(self, controller: KioskController, *, scanner=None, fullscreen=False, **kw):
        super().__init__(**kw)
        self.controller, self.scanner, self.fullscreen = controller, scanner, fullscreen
        self.lang = controller.lang
        self.idle_timeout_s = controller.device.idle_timeout_s
        self.has_appointments = catalog.has_appointments(controller.cfg)
        self.has_matters = bool(catalog.matters(controller.cfg, controller.device))
        self.title = controller.cfg.hall.name
        self._maintain = None

    # ------------------------------------------------------------ lifecycle
    def build(self):
        register_default_font(find_cjk_font(self.controller.device.font))
        from pathlib import Path

        here = Path(__file__).parent
        for name in KV_FILES:
            Builder.load_file(str(here / name))
        Window.clearcolor = (0.96, 0.97, 0.98, 1)
        Window.bind(size=self._resized)
        self._resized(Window, Window.size)
        sm = ScreenManager(transition=NoTransition())
        for cls, name in (
            (HomeScreen, "home"),
            (ServicesScreen, "services"),
            (PriorityScreen, "priority"),
            (AppointmentScreen, "appointment"),
            (TicketScreen, "ticket"),
        ):
            sm.add_widget(cls(name=name))
        # a burst of retained state (one message per service) re-renders once per frame
        self.controller.when_changed = Clock.create_trigger(self.refresh)
        self.controller.when_outcome = self.show_outcome
        return sm

    def on_start(self) -> None:
        if self.fullscreen:
            Window.fullscreen = "auto"
        if self.scanner is not None:
            self.scanner.when_scanned = lambda code: Clock.schedule_once(
                lambda _dt: self.scanned(code)
            )
            self.scanner.start()
        self._maintain = Clock.schedule_interval(lambda _dt: self.controller.maintain(), MAINTAIN_S)
        self.controller.maintain()
        self.refresh()

    def on_stop(self) -> None:
        if self._maintain is not None:
            self._maintain.cancel()
        if self.scanner is not None:
            self.scanner.stop()

    # ------------------------------------------------------------ rendering
    def tr(self, key: str, lang: str, **fields) -> str:
        """For kv rules: passing ``app.lang`` makes the rule re-run when the language flips."""
        return tr(key, lang, **fields)

    def hall_name(self, lang: str) -> str:
        h = self.controller.cfg.hall
        return pick(h.name, h.name_en, lang)

    def priority_text(self, lang: str, _u: float = 0, _scale: float = 0) -> str:
        """ "优先通道" over the configured groups' names (老年人 残疾人 ...)."""
        names = [
            pick(p.name, p.name_en, lang) for p in catalog.priority_classes(self.controller.cfg)
        ]
        size = round(self.u * 15 * self.scale)
        small = f"\n[size={size}]" + " · ".join(names) + "[/size]" if names else ""
        return tr("priority_button", lang) + small

    def refresh(self, *_a) -> None:
        """Re-render the visible screen (others render when they are opened)."""
        self.root.current_screen.refresh()

    def _resized(self, _w, size) -> None:
        w, h = size
        self.portrait = h > w
        self.u = min(w, h) / 480
        self.cols = _columns(w, h, self.large)

    # ------------------------------------------------------------ user actions
    def toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.controller.lang = self.lang
        self.refresh()

    def toggle_large(self) -> None:
        self.large = not self.large
        self.scale = LARGE_SCALE if self.large else 1.0
        self._resized(Window, Window.size)

    def open_screen(self, name: str) -> None:
        self.root.current = name
        self.root.current_screen.refresh()

    def open_department(self, dept_id: str) -> None:
        self.root.get_screen("services").department = dept_id
        self.open_screen("services")

    def go_back(self) -> None:
        self.open_screen("home")

    def go_home(self, idle: bool = False) -> None:
        if idle or self.root.current == "ticket":
            self.controller.reset_session()
            if idle:
                self.lang = self.controller.lang = self.controller.device.lang
                self.large, self.scale = False, 1.0
                self._resized(Window, Window.size)
        self.open_screen("home")

    def choose_priority(self, class_id: str) -> None:
        self.controller.choose_priority(class_id)
        self.open_screen("home")

    def cancel_priority(self) -> None:
        self.controller.choose_priority(None)

    def check_in(self, code: str) -> None:
        self.controller.check_in(code)
        self.open_screen("home")

    def scanned(self, code: str) -> None:
        self.open_screen("appointment")
        self.root.current_screen.scanned(code)

    def request_ticket(self, service: str) -> None:
        if self.controller.request_ticket(service):
            self._show_issuing()

    def request_matter(self, matter: str) -> None:
        """A matter (一件事) tile: one ticket for every step."""
        if self.controller.request_matter(matter):
            self._show_issuing()

    def retry(self) -> None:
        if self.controller.retry():
            self._show_issuing()

    def _show_issuing(self) -> None:
        self.root.current = "ticket"
        self.root.current_screen.start()

    def show_outcome(self, outcome: Outcome) -> None:
        self.root.current = "ticket"
        self.root.current_screen.show(outcome)


def _columns(w: float, h: float, large: bool) -> int:
    if h > w:
        return 1 if large else 2
    return 2 if large or w < 1000 else 3
