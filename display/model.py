"""The wall display's view-model: folds MQTT messages into what the screen shows (pure, no Kivy).

Everything time-dependent takes ``now`` as an argument. The Kivy controller feeds messages in
on the main thread and reads :meth:`DisplayModel.view` back; the tests do the same without Kivy.

Rules decided here:
- **One source for calls:** ``event/called`` is what puts a call (or recall) on the wall,
  highlights it and announces it. Window state never does, with one exception:
- **Restore:** until the first call event after a (re)connection, retained window states with
  a current ticket rebuild the calls at once (after a power cut the wall is not blank); they
  are shown, never announced, and only for a (ticket, window) not already on the list.
- **No stale announcements:** a call event older than ``stale_s`` (e.g. delivered on reconnect)
  is shown but not announced; "older" allows for a display clock that differs from the
  broker's. A recall is a new call: announced again and highlighted again. The same event
  delivered twice (QoS 1) is dropped.
- **No call silently unsaid:** on a display that announces, a call it will not say (stale) or
  that its announcer could not say in time (:meth:`DisplayModel.on_unsaid`) is flagged
  ``unsaid`` on its line, and the wall says so next to it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace

from hallq.contract import CalledEvent, ServiceState, WindowState
from hallq.opening import opens_text
from hardware.voice import Call
from hardware.window_board import ACTIVE_TICKET

HEARD_EVENTS = 256  # call events remembered to drop QoS 1 redeliveries


@dataclass(frozen=True)
class CallLine:
    """One line of the call list."""

    ticket: str
    window: str
    window_name: str
    service_name: str
    at: float
    recall: bool = False
    unsaid: bool = False  # this display announces, but this call was not said
    step: str = ""  # a case (一件事): "一件事 第2步/共4步"
    agent: str = ""  # 帮办代办: the agent called for the case (shown beside the number)


@dataclass(frozen=True)
class WaitingRow:
    """One line of the waiting-count table (a service, or a whole department)."""

    key: str
    name: str
    waiting: int
    est_wait_min: int | None


@dataclass(frozen=True)
class View:
    """A snapshot of everything the screen shows."""

    latest: CallLine | None
    is_highlighted: bool
    recent: list[CallLine]
    waiting: list[WaitingRow]
    waiting_total: int
    is_online: bool
    is_service_up: bool = True  # the queue service's presence (hallq.service_watch)
    opens_at: float | None = None  # none of this display's services takes tickets until then
    opens_text: str = ""  # that, in words (zh · en), for the waiting caption


@dataclass
class HallInfo:
    """The static facts a display needs from the hall config (names, zones, departments)."""

    window_names: dict[str, str] = field(default_factory=dict)
    window_zones: dict[str, str] = field(default_factory=dict)
    service_names: dict[str, str] = field(default_factory=dict)
    service_departments: dict[str, str] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    zone_services: dict[str, set[str]] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"


class DisplayModel:
    """Calls, waiting counts and connection state of one wall display."""

    def __init__(
        self,
        info: HallInfo,
        *,
        zone: str = "",
        recent: int = 8,
        stale_s: float = 30.0,
        highlight_s: float = 6.0,
        is_announcing: bool = False,
    ) -> None:
        self.info, self.zone, self.size = info, zone, recent
        self.is_announcing = is_announcing  # a voice says this display's calls
        self.stale_s, self.highlight_s = stale_s, highlight_s
        self.calls: list[CallLine] = []  # newest first
        self.is_restoring = True  # no call event since the (re)connection yet
        self._heard: OrderedDict[tuple[str, str, float, bool], None] = OrderedDict()
        self.services: dict[str, ServiceState] = {}
        self.is_online = False
        self.is_service_up = True
        self.highlight_until = 0.0
        self.min_lag: float | None = None  # smallest (local now - event at) seen: clock skew

    # ------------------------------------------------------------ inputs
    def on_called(self, ev: CalledEvent, now: float) -> Call | None:
        """Show the call on top; return what to announce, or None (other zone, stale, repeat)."""
        if not self._in_zone(ev.window, ev.zone or None):
            return None
        if self._is_repeat(ev):
            return None  # the same event delivered twice (QoS 1 redelivery)
        self.is_restoring = False
        name = ev.window_name or self.info.window_names.get(ev.window, ev.window)
        service = ev.service_name or self.info.service_names.get(ev.service, ev.service)
        step = f"一件事 第{ev.step}步/共{ev.steps}步" if ev.matter and ev.steps else ""
        if ev.review:  # a joint review (联审): the citizen goes to the room, not a window
            step = "联审 Joint review"
        is_fresh = self._is_fresh(now - ev.at)
        unsaid = self.is_announcing and not is_fresh
        agent = ev.agent or ""
        line = CallLine(ev.ticket, ev.window, name, service, ev.at, ev.recall, unsaid, step, agent)
        self._put(line)
        if is_fresh and self.calls[0] is line:
            self.highlight_until = now + self.highlight_s
        if not is_fresh:
            return None
        # a case moving on is told which service it comes for: "请A012到8号窗口办理户口登记";
        # an agent (帮办代办) always: "请帮办员王到8号窗口办理户口登记"; a room: no service
        moving_on = (ev.matter and ev.step > 1) or agent
        said = service if moving_on and not ev.review else ("联审" if agent else "")
        return Call(ev.ticket, name, ev.recall, service=said, agent=agent, room=bool(ev.review))

    def on_unsaid(self, call: Call) -> bool:
        """The announcer could not say ``call`` in time: flag its line (False if not listed)."""
        for i, c in enumerate(self.calls):
            if (c.ticket, c.window_name, c.recall) == (call.ticket, call.window_name, call.recall):
                self.calls[i] = replace(c, unsaid=True)
                return True
        return False

    def on_window(self, w: WindowState) -> None:
        """Retained window state: while restoring, shows the window's current call (silently)."""
        if not self.is_restoring or not self._in_zone(w.window, w.zone or None):
            return
        if not w.ticket or w.called_at is None or w.ticket_state not in ACTIVE_TICKET:
            return
        if any((c.ticket, c.window) == (w.ticket, w.window) for c in self.calls):
            return
        name = w.name or self.info.window_names.get(w.window, w.window)
        service = self.info.service_names.get(w.service or "", w.service or "")
        self._put(CallLine(w.ticket, w.window, name, service, w.called_at))

    def on_service(self, s: ServiceState) -> None:
        self.services[s.service] = s

    def set_online(self, is_online: bool) -> None:
        """A (re)connection restores from the retained window states that follow it."""
        self.is_online = is_online
        if not is_online:
            self.is_restoring = True

    def set_service(self, is_up: bool) -> None:
        """The queue service's presence: while it is down the wall says so (the numbers it
        shows are the last known); when it is back, retained state restores the wall."""
        self.is_service_up = is_up
        if not is_up:
            self.is_restoring = True

    # ------------------------------------------------------------ output
    def view(self, now: float, max_rows: int = 12) -> View:
        rows = self.waiting_by_service()
        if len(rows) > max_rows:
            rows = self.waiting_by_department()
        opens = self.opens_at()
        tz = self.info.timezone
        text = (
            ""
            if opens is None
            else f"{opens_text(opens, now, tz, 'zh')} · {opens_text(opens, now, tz, 'en')}"
        )
        return View(
            latest=self.calls[0] if self.calls else None,
            is_highlighted=bool(self.calls) and now < self.highlight_until,
            recent=self.calls[1 : self.size + 1],
            waiting=rows[:max_rows],
            waiting_total=sum(s.waiting for s in self._my_services()),
            is_online=self.is_online,
            is_service_up=self.is_service_up,
            opens_at=opens,
            opens_text=text,
        )

    def opens_at(self) -> float | None:
        """When the first of this display's services takes tickets again, if none does now
        and the service said when (closed hall, holiday, service hours); else None."""
        mine = self._my_services()
        if not mine or any(s.open for s in mine):
            return None
        return min((s.opens_at for s in mine if s.opens_at is not None), default=None)

    def waiting_by_service(self) -> list[WaitingRow]:
        """Services with someone waiting, most waiting first."""
        rows = [
            WaitingRow(s.service, s.name or s.service, s.waiting, _minutes(s.est_wait_s))
            for s in self._my_services()
            if s.waiting > 0
        ]
        return sorted(rows, key=lambda r: (-r.waiting, r.key))

    def waiting_by_department(self) -> list[WaitingRow]:
        """The same counts summed per department (for small screens or large halls)."""
        totals: dict[str, int] = {}
        for s in self._my_services():
            dep = s.department or self.info.service_departments.get(s.service, "")
            totals[dep] = totals.get(dep, 0) + s.waiting
        rows = [
            WaitingRow(d, self.info.department_names.get(d, d), n, None)
            for d, n in totals.items()
            if n > 0
        ]
        return sorted(rows, key=lambda r: (-r.waiting, r.key))

    # ------------------------------------------------------------ internals
    def _is_fresh(self, lag: float) -> bool:
        """Stale = late by more than stale_s, measured against the quickest delivery seen.

        The display's clock and the broker's may differ (a Pi without network time after a
        power cut): the smallest lag seen so far estimates that difference, so a skewed clock
        costs at most the first announcement, never all of them.
        """
        ref = min(0.0 if self.min_lag is None else self.min_lag, lag)
        self.min_lag = lag if self.min_lag is None else min(self.min_lag, lag)
        return lag - ref <= self.stale_s

    def _in_zone(self, window: str, zone: str | None) -> bool:
        if not self.zone:
            return True
        if zone is None:
            zone = self.info.window_zones.get(window, "")
        return zone == self.zone

    def _my_services(self) -> list[ServiceState]:
        mine = self.info.zone_services.get(self.zone) if self.zone else None
        mine = mine or None  # a zone whose windows list no services: show the whole hall
        return [s for s in self.services.values() if mine is None or s.service in mine]

    def _is_repeat(self, ev: CalledEvent) -> bool:
        key = (ev.ticket, ev.window, ev.at, ev.recall)
        if key in self._heard:
            return True
        self._heard[key] = None
        if len(self._heard) > HEARD_EVENTS:
            self._heard.popitem(last=False)
        return False

    def _put(self, line: CallLine) -> None:
        """Insert keeping newest first, one line per (ticket, window), at most size + 1."""
        key = (line.ticket, line.window)
        self.calls = [c for c in self.calls if (c.ticket, c.window) != key]
        self.calls.append(line)
        self.calls.sort(key=lambda c: c.at, reverse=True)
        del self.calls[self.size + 1 :]


def _minutes(seconds: float | None) -> int | None:
    return None if seconds is None else max(0, round(seconds / 60))


def hall_info(cfg: object) -> HallInfo:
    """Build :class:`HallInfo` from a HallConfig (duck-typed: no config import in the core)."""
    info = HallInfo(timezone=cfg.hall.timezone)  # type: ignore[attr-defined]
    for w in cfg.windows:  # type: ignore[attr-defined]
        info.window_names[w.id] = w.name
        info.window_zones[w.id] = w.zone
        info.zone_services.setdefault(w.zone, set()).update(w.primary, w.secondary)
    for s in cfg.services:  # type: ignore[attr-defined]
        info.service_names[s.code] = s.name
        info.service_departments[s.code] = s.department
    for d in cfg.departments:  # type: ignore[attr-defined]
        info.department_names[d.id] = d.name
    return info
