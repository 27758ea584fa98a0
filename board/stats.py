"""A day's figures from its event history: a pure function of the events (no I/O, no clock).

Definitions (docs/board.md, "Reports"):

- **tickets**: per service, tickets issued for it; per window / staff member, tickets called there.
- **wait**: from joining a queue (issue, or transfer into a service) to the first call after it;
  counted once per queue visit, for the service the ticket waited in. Percentiles: nearest rank
  (``hallq.core.percentile``).
- **service time**: finish minus start (minus the call when staff never pressed start).
- **no-show rate**: no-shows / (finished + no-shows).
- **transfers**: per service, tickets moved out of it; per window / staff, transfers done there.
- **satisfaction**: ratings counted by score 1..5; rate (好评率) = scores 3..5 / all ratings
  (好差评: 非常满意, 满意, 基本满意 are 好评; 不满意, 非常不满意 are 差评).
- **hourly**: arrivals (tickets issued) and waits of calls, per local hour of the hall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hallq.core.model import Event
from hallq.core.percentile import percentile

GOOD_SCORES = (3, 4, 5)


@dataclass
class Row:
    """The figures of one service, window or staff member (or the whole hall)."""

    key: str
    name: str = ""
    tickets: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)
    finished: int = 0
    no_shows: int = 0
    transfers: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)  # index 0 = score 1
    arrivals: dict[int, int] = field(default_factory=dict)  # local hour -> tickets issued

    @property
    def wait_p50(self) -> float | None:
        return percentile(self.waits, 50)

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.waits, 90)

    @property
    def wait_max(self) -> float | None:
        return max(self.waits) if self.waits else None

    @property
    def service_mean(self) -> float | None:
        return sum(self.service_times) / len(self.service_times) if self.service_times else None

    @property
    def no_show_rate(self) -> float | None:
        done = self.finished + self.no_shows
        return self.no_shows / done if done else None

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def satisfaction(self) -> float | None:
        good = sum(self.ratings[s - 1] for s in GOOD_SCORES)
        return good / self.rated if self.rated else None


@dataclass
class DayReport:
    day: str
    total: Row
    services: dict[str, Row]
    windows: dict[str, Row]
    staff: dict[str, Row]
    hourly_waits: dict[int, list[float]]  # local hour of the call -> waits
    span: tuple[int, int] | None = None  # opening hours (first, last local hour) to include

    def hours(self) -> list[int]:
        """Every hour from the first to the last with arrivals or calls (or of ``span``)."""
        seen = set(self.total.arrivals) | set(self.hourly_waits) | set(self.span or ())
        return list(range(min(seen), max(seen) + 1)) if seen else []


@dataclass
class _Ticket:
    service: str
    queued_at: float
    waiting: bool = True  # in a queue and not yet called since joining it
    window: str | None = None
    staff: str | None = None
    begun: float | None = None  # start, else call, of the current visit to a window


class _Builder:
    """Walks the events once, keeping each ticket's and window's current facts."""

    def __init__(self, day: str, hour_of: Callable[[float], int]) -> None:
        self.report = DayReport(day, Row("total"), {}, {}, {}, {})
        self.hour_of = hour_of
        self.tickets: dict[str, _Ticket] = {}
        self.staff_at: dict[str, str | None] = {}

    def rows(
        self, service: str | None, window: str | None, staff: str | None, total: bool = True
    ) -> list[Row]:
        r = self.report
        out = [r.total] if total else []
        if service:
            out.append(r.services.setdefault(service, Row(service)))
        if window:
            out.append(r.windows.setdefault(window, Row(window)))
        if staff:
            out.append(r.staff.setdefault(staff, Row(staff)))
        return out

    def on_ticket_issued(self, ev: Event) -> None:
        d = ev.data
        self.tickets[d["ticket"]] = _Ticket(d["service"], ev.at)
        hour = self.hour_of(ev.at)
        for row in self.rows(d["service"], None, None):
            row.tickets += 1
            row.arrivals[hour] = row.arrivals.get(hour, 0) + 1

    def on_ticket_called(self, ev: Event) -> None:
        t = self.tickets.get(ev.data["ticket"])
        if t is None:
            return
        w = ev.data["window"]
        t.window, t.staff, t.begun = w, self.staff_at.get(w), ev.at
        for row in self.rows(None, w, t.staff, total=False):
            row.tickets += 1
        if t.waiting:
            t.waiting = False
            wait = ev.at - t.queued_at
            for row in self.rows(t.service, None, None):
                row.waits.append(wait)
            self.report.hourly_waits.setdefault(self.hour_of(ev.at), []).append(wait)

    def on_ticket_started(self, ev: Event) -> None:
        t = self.tickets.get(ev.data["ticket"])
        if t is not None:
            t.begun = ev.at

    def on_ticket_finished(self, ev: Event) -> None:
        t = self.tickets.get(ev.data["ticket"])
        if t is None:
            return
        for row in self.rows(t.service, t.window, t.staff):
            row.finished += 1
            if t.begun is not None:
                row.service_times.append(ev.at - t.begun)

    def on_ticket_no_show(self, ev: Event) -> None:
        t = self.tickets.get(ev.data["ticket"])
        if t is not None:
            for row in self.rows(t.service, t.window, t.staff):
                row.no_shows += 1

    def on_ticket_transferred(self, ev: Event) -> None:
        t = self.tickets.get(ev.data["ticket"])
        if t is None:
            return
        for row in self.rows(ev.data["from"], t.window, t.staff):
            row.transfers += 1
        t.service, t.queued_at, t.waiting, t.window = ev.data["to"], ev.at, True, None

    def on_ticket_rated(self, ev: Event) -> None:
        t = self.tickets.get(ev.data["ticket"])
        score = int(ev.data["score"])
        if t is None or not 1 <= score <= 5:
            return
        for row in self.rows(t.service, ev.data.get("window") or t.window, t.staff):
            row.ratings[score - 1] += 1

    def on_window_opened(self, ev: Event) -> None:
        self.staff_at[ev.data["window"]] = ev.data.get("staff")

    def on_window_closed(self, ev: Event) -> None:
        self.staff_at[ev.data["window"]] = None


def day_report(events: Iterable[Event], day: str, timezone: str = "Asia/Shanghai") -> DayReport:
    """The report of one business day from its events (in order)."""
    tz = ZoneInfo(timezone)
    b = _Builder(day, lambda at: datetime.fromtimestamp(at, tz).hour)
    for ev in events:
        handler = getattr(b, f"on_{ev.kind}", None)
        if handler is not None:
            handler(ev)
    return b.report
