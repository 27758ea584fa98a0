"""The wall display's view-model: folds MQTT messages into what the screen shows (pure, no Kivy).

Everything time-dependent takes ``now`` as an argument. The Kivy controller feeds messages in
on the main thread and reads :meth:`DisplayModel.view` back; the tests do the same without Kivy.

Rules decided here:
- **Zone:** a display bound to a zone keeps only windows of that zone ("" = the whole hall).
- **Restore:** retained window states with a ``called_at`` rebuild the latest calls at once
  (after a power cut the board is not blank); they are shown, never announced.
- **No stale announcements:** a call event older than ``stale_s`` (e.g. delivered on reconnect)
  is shown but not announced; "older" allows for a display clock that differs from the
  broker's. A recall is a new call: announced again and highlighted again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from display.messages import CalledEvent, ServiceState, WindowState

ACTIVE_TICKET = {"called", "serving"}


@dataclass(frozen=True)
class Call:
    """One line of the call list."""

    ticket: str
    window: str
    window_name: str
    service_name: str
    at: float
    recall: bool = False
    from_event: bool = True  # False: rebuilt from retained window state


@dataclass(frozen=True)
class Announcement:
    """What the announcer should say."""

    ticket: str
    window_name: str
    recall: bool = False


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

    latest: Call | None
    is_highlighted: bool
    recent: list[Call]
    waiting: list[WaitingRow]
    waiting_total: int
    is_online: bool


@dataclass
class HallInfo:
    """The static facts a display needs from the hall config (names, zones, departments)."""

    window_names: dict[str, str] = field(default_factory=dict)
    window_zones: dict[str, str] = field(default_factory=dict)
    service_names: dict[str, str] = field(default_factory=dict)
    service_departments: dict[str, str] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    zone_services: dict[str, set[str]] = field(default_factory=dict)


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
    ) -> None:
        self.info, self.zone, self.size = info, zone, recent
        self.stale_s, self.highlight_s = stale_s, highlight_s
        self.calls: list[Call] = []  # newest first
        self.services: dict[str, ServiceState] = {}
        self.is_online = False
        self.highlight_until = 0.0
        self.min_lag: float | None = None  # smallest (local now - event at) seen: clock skew

    # ------------------------------------------------------------ inputs
    def on_called(self, ev: CalledEvent, now: float) -> Announcement | None:
        """Show the call; return what to announce, or None (other zone, stale)."""
        if not self._in_zone(ev.window, ev.zone):
            return None
        name = ev.window_name or self.info.window_names.get(ev.window, ev.window)
        service = ev.service_name or self.info.service_names.get(ev.service, ev.service)
        call = Call(ev.ticket, ev.window, name, service, ev.at, ev.recall)
        is_fresh = self._is_fresh(now - ev.at)
        if not self._add(call, replace_same_time=False):
            return None  # the same event delivered twice (QoS 1 redelivery)
        if is_fresh and self.calls[0] is call:
            self.highlight_until = now + self.highlight_s
        return Announcement(ev.ticket, name, ev.recall) if is_fresh else None

    def on_window(self, w: WindowState) -> None:
        """Retained window state: restores the window's current call (never announced)."""
        if not self._in_zone(w.window, w.zone):
            return
        if not w.ticket or w.called_at is None or w.ticket_state not in ACTIVE_TICKET:
            return
        name = w.name or self.info.window_names.get(w.window, w.window)
        service = self.info.service_names.get(w.service or "", w.service or "")
        call = Call(w.ticket, w.window, name, service, w.called_at, from_event=False)
        self._add(call, replace_same_time=True)

    def on_service(self, s: ServiceState) -> None:
        self.services[s.service] = s

    def set_online(self, is_online: bool) -> None:
        self.is_online = is_online

    # ------------------------------------------------------------ output
    def view(self, now: float, max_rows: int = 12) -> View:
        rows = self.waiting_by_service()
        if len(rows) > max_rows:
            rows = self.waiting_by_department()
        return View(
            latest=self.calls[0] if self.calls else None,
            is_highlighted=bool(self.calls) and now < self.highlight_until,
            recent=self.calls[1 : self.size + 1],
            waiting=rows[:max_rows],
            waiting_total=sum(s.waiting for s in self._my_services()),
            is_online=self.is_online,
        )

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

    def _add(self, call: Call, *, replace_same_time: bool) -> bool:
        """Insert keeping newest first, one line per (ticket, window); False if a repeat."""
        old = next((c for c in self.calls if _same_line(c, call)), None)
        if old is not None and replace_same_time and old.at >= call.at:
            return False  # the retained state repeats a call we already show
        if old is not None and not replace_same_time and _same_event(old, call):
            return False  # the same event delivered twice (QoS 1)
        self.calls = [c for c in self.calls if not _same_line(c, call)]
        self.calls.append(call)
        self.calls.sort(key=lambda c: c.at, reverse=True)
        del self.calls[self.size + 1 :]
        return True


def _same_line(a: Call, b: Call) -> bool:
    return (a.ticket, a.window) == (b.ticket, b.window)


def _same_event(old: Call, new: Call) -> bool:
    """A repeat of an event already shown. A line rebuilt from window state is not: the broker
    publishes a window's state just before its call event, and that event must be announced."""
    return old.from_event and (old.at, old.recall) == (new.at, new.recall)


def _minutes(seconds: float | None) -> int | None:
    return None if seconds is None else max(0, round(seconds / 60))


def hall_info(cfg: object) -> HallInfo:
    """Build :class:`HallInfo` from a HallConfig (duck-typed: no config import in the core)."""
    info = HallInfo()
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
