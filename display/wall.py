"""The wall screen (widgets with properties, layout in wall.kv) and its controller (behaviour).

Only the Kivy main thread calls into this module: the app hops MQTT messages over with
``Clock.schedule_once`` before they reach :class:`WallController`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from display.model import DisplayModel, View
from hallq.contract import CalledEvent, ServiceState, WindowState
from hardware.voice import Announcer, Call

KV = Path(__file__).with_name("wall.kv")
WEEKDAYS = "一二三四五六日"
# Kivy redraws the whole window for any change, so every moving pixel costs a full frame:
# the notice scrolls only when it is wider than the screen, at 20 frames a second, and the
# clock shows minutes (one redraw a minute). See docs/display.md for the measured costs.
TICKER_FPS = 20
TICKER_SPEED_U = 10.0  # notice scroll speed, in u per second


class CallRow(BoxLayout):
    u = NumericProperty(10.0)
    index = NumericProperty(0)
    ticket = StringProperty("")
    window_name = StringProperty("")
    is_unsaid = BooleanProperty(False)  # not announced: the tag asks the citizen to look


class WaitRow(BoxLayout):
    u = NumericProperty(10.0)
    name = StringProperty("")
    count_text = StringProperty("")


class WallScreen(BoxLayout):
    """What is on the wall, as properties; wall.kv lays it out."""

    u = NumericProperty(10.0)  # 1/100 of the short side: every size is a multiple of it
    is_portrait = BooleanProperty(False)
    hall_name = StringProperty("")
    clock_text = StringProperty("")
    is_offline = BooleanProperty(True)
    offline_text = StringProperty("连接中断  Offline")
    is_highlighted = BooleanProperty(False)
    latest_ticket = StringProperty("")
    latest_window = StringProperty("")
    latest_service = StringProperty("")
    is_latest_unsaid = BooleanProperty(False)
    waiting_caption = StringProperty("等候人数  Waiting")
    waiting_cols = NumericProperty(3)
    notice = StringProperty("")

    def on_size(self, _w: object, size: tuple[float, float]) -> None:
        self.u = min(size) / 100
        self.is_portrait = size[1] > size[0]
        self.waiting_cols = 2 if self.is_portrait else 3

    @property
    def waiting_capacity(self) -> int:
        return self.waiting_cols * (5 if self.is_portrait else 3)


def load_kv() -> None:
    if str(KV) not in Builder.files:
        Builder.load_file(str(KV))


class WallController:
    """Feeds messages to the model, the model's view to the screen, calls to the announcer.

    ``voice`` is hardware.voice.Announcer (or its fake): ``announce()`` only queues, so the
    main thread never waits for speech.
    """

    def __init__(
        self,
        screen: WallScreen,
        model: DisplayModel,
        voice: Announcer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.screen, self.model, self.voice, self.clock = screen, model, voice, clock
        self.when_shown: Callable[[View], None] | None = None  # tests and benchmarks
        self._events: list[object] = []
        self._shown: View | None = None

    # ------------------------------------------------------------ lifecycle
    def on_enter(self) -> None:
        self._events = [
            Clock.schedule_interval(self._tick, 1.0),
            Clock.schedule_interval(self._scroll, 1 / TICKER_FPS),
        ]
        self.screen.bind(u=self._resized, is_portrait=self._resized)
        self.screen.ids.side_box.bind(height=self._resized)
        self._tick(0)

    def _resized(self, *_a: object) -> None:
        self._shown = None  # rows are rebuilt at the new scale
        self.refresh()

    def on_pre_leave(self) -> None:
        for ev in self._events:
            ev.cancel()  # type: ignore[attr-defined]
        self._events = []

    # ------------------------------------------------------------ inputs (main thread)
    def on_called(self, ev: CalledEvent) -> None:
        call = self.model.on_called(ev, self.clock())
        if call is not None and self.voice is not None:
            self.voice.announce(
                call.ticket,
                call.window_name,
                recall=call.recall,
                service=call.service,
                agent=call.agent,
                room=call.room,
            )
        self.refresh()

    def on_unsaid(self, call: Call) -> None:
        """The announcer could not say ``call`` in time: flag it on the wall."""
        if self.model.on_unsaid(call):
            self.refresh()

    def on_window(self, w: WindowState) -> None:
        self.model.on_window(w)
        self.refresh()

    def on_service(self, s: ServiceState) -> None:
        self.model.on_service(s)
        self.refresh()

    def set_online(self, is_online: bool) -> None:
        self.model.set_online(is_online)
        self.refresh()

    def set_service(self, is_up: bool) -> None:
        self.model.set_service(is_up)
        self.refresh()

    # ------------------------------------------------------------ output
    def refresh(self) -> None:
        s = self.screen
        v = self.model.view(self.clock(), max_rows=s.waiting_capacity)
        s.is_offline = not (v.is_online and v.is_service_up)
        s.offline_text = "连接中断  Offline" if not v.is_online else "排队服务中断  Service down"
        s.is_highlighted = v.is_highlighted
        s.latest_ticket = v.latest.ticket if v.latest else ""
        s.latest_window = _where(v.latest.window_name, v.latest.agent) if v.latest else "请留意叫号"
        s.latest_service = v.latest.service_name if v.latest else ""
        if v.latest and v.latest.step:
            s.latest_service += f"  ·  {v.latest.step}"
        s.is_latest_unsaid = bool(v.latest and v.latest.unsaid)
        if self._shown is None or v.recent != self._shown.recent:
            self._fill_recent(v)
        if self._shown is None or v.waiting != self._shown.waiting:
            self._fill_waiting(v)
        s.waiting_caption = v.opens_text or f"等候人数  Waiting   共 {v.waiting_total} 人"
        self._shown = v
        if self.when_shown:
            self.when_shown(v)

    def _fill_recent(self, v: View) -> None:
        grid = self.screen.ids.recent_grid
        grid.clear_widgets()
        for i, c in enumerate(v.recent[: self._recent_fit()]):
            u = self.screen.u
            row = CallRow(u=u, index=i, ticket=c.ticket, window_name=c.window_name)
            row.is_unsaid = c.unsaid
            grid.add_widget(row)

    def _recent_fit(self) -> int:
        """How many call rows fit under the caption (rows are 8u high, see wall.kv)."""
        u = self.screen.u
        return max(1, int((self.screen.ids.side_box.height - 8 * u) / (8 * u)))

    def _fill_waiting(self, v: View) -> None:
        grid = self.screen.ids.waiting_grid
        grid.clear_widgets()
        for r in v.waiting:
            est = f" 约{r.est_wait_min}分" if r.est_wait_min else ""
            text = f"{r.waiting}人{est}"
            grid.add_widget(WaitRow(u=self.screen.u, name=r.name, count_text=text))
        if not v.waiting:
            grid.add_widget(WaitRow(name="暂无等候", count_text="No one waiting", u=self.screen.u))
        while len(grid.children) % grid.cols:  # a short last row keeps the column widths
            grid.add_widget(WaitRow(u=self.screen.u))

    # ------------------------------------------------------------ timers
    def _tick(self, _dt: float) -> None:
        now = datetime.fromtimestamp(self.clock())
        wd = WEEKDAYS[now.weekday()]
        self.screen.clock_text = now.strftime(f"%Y-%m-%d 星期{wd} %H:%M")  # same text: no redraw
        if self.screen.is_highlighted != self.model.view(self.clock()).is_highlighted:
            self.refresh()

    def _scroll(self, dt: float) -> None:
        """Scroll a notice wider than the screen; centre (and leave still) one that fits."""
        box, label = self.screen.ids.notice_box, self.screen.ids.notice_label
        if not self.screen.notice:
            return
        if label.width <= box.width:
            label.center_x = box.center_x
            return
        if label.x > box.right or label.right < box.x:
            label.x = box.right
        label.x -= TICKER_SPEED_U * self.screen.u * dt


def _where(window_name: str, agent: str) -> str:
    """Where the call sends its person: the citizen, or the agent carrying the case (帮办)."""
    return f"请 {agent} 到 {window_name}" if agent else f"请到 {window_name}"
