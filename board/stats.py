"""A period's figures from its event history: a pure function of the events (no I/O, no clock).

Definitions (docs/board.md, "Reports"):

- **tickets**: per service / department, tickets issued for it; per window / staff member,
  tickets called there.
- **served**: tickets finished (for the service, its department, the window and the staff member
  at the call).
- **wait**: from joining a queue (issue, or transfer into a service) to the first call after it;
  counted once per queue visit, for the service waited in, its department, and the window and
  staff member who called it ("the wait of their citizens"). Percentiles: nearest rank
  (``hallq.core.percentile``). **Over target**: waits longer than the service's target wait.
- **service time**: finish minus start (minus the call when staff never pressed start).
- **no-show rate**: no-shows / (finished + no-shows).
- **transfers**: per service, tickets moved out of it; per window / staff, transfers done there.
- **satisfaction**: ratings counted by score 1..5; rate (好评率) = scores 3..5 / all ratings
  (好差评: 非常满意, 满意, 基本满意 are 好评; 不满意, 非常不满意 are 差评, counted in ``bad``).
- **hourly**: arrivals (tickets issued) and waits of calls, per local hour of the hall.
- **buckets**: the hall's figures per day (a month or quarter) or per month (a year).

Ticket numbers restart every business day, so each day's events are walked on their own; the
rows add up across the days of the period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hallq.core.model import Event
from hallq.core.percentile import percentile

from .matter_stats import MATTER_KINDS, MatterFigures, MatterWalk

GOOD_SCORES = (3, 4, 5)
BAD_SCORES = (1, 2)


class Outcomes:
    """The figures a report row computes from its waits, finishes, no-shows and ratings (the
    definitions above); shared with the region's rows (region/reports.py)."""

    waits: list[float]
    finished: int
    no_shows: int
    ratings: list[int]  # index 0 = score 1

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.waits, 90)

    @property
    def wait_mean(self) -> float | None:
        return sum(self.waits) / len(self.waits) if self.waits else None

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
class Row(Outcomes):
    """The figures of one service, department, window or staff member (or the whole hall)."""

    key: str
    name: str = ""
    tickets: int = 0
    waits: list[float] = field(default_factory=list)
    over_target: int = 0  # waits longer than their service's target
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
    def wait_max(self) -> float | None:
        return max(self.waits) if self.waits else None

    @property
    def over_target_share(self) -> float | None:
        return self.over_target / len(self.waits) if self.waits else None

    @property
    def service_mean(self) -> float | None:
        return sum(self.service_times) / len(self.service_times) if self.service_times else None

    @property
    def bad(self) -> int:
        """差评: ratings of 1 or 2."""
        return sum(self.ratings[s - 1] for s in BAD_SCORES)


@dataclass(frozen=True)
class Rating:
    """One rating with what it is about (the ratings export; a 差评 starts a follow-up item)."""

    day: str
    ticket: str
    at: float
    score: int
    service: str
    window: str
    staff: str | None
    source: str = ""  # the device it came from (an evaluator)

    @property
    def key(self) -> str:
        return f"{self.day}/{self.ticket}"


@dataclass
class DayReport:
    """A day's report, or a period's (``day`` is then its label: 2026-12, 2026-Q4, 2026)."""

    day: str
    total: Row
    services: dict[str, Row]
    windows: dict[str, Row]
    staff: dict[str, Row]
    hourly_waits: dict[int, list[float]]  # local hour of the call -> waits
    span: tuple[int, int] | None = None  # opening hours (first, last local hour) to include
    departments: dict[str, Row] = field(default_factory=dict)
    buckets: dict[str, Row] = field(default_factory=dict)  # day or month -> the hall's row
    ratings: list[Rating] = field(default_factory=list)
    days: list[str] = field(default_factory=list)  # the business days it covers
    matters: dict[str, MatterFigures] = field(default_factory=dict)  # 一件事 (matter_stats)

    @property
    def bad_ratings(self) -> list[Rating]:
        return [r for r in self.ratings if r.score in BAD_SCORES]

    def hours(self) -> list[int]:
        """Every hour from the first to the last with arrivals or calls (or of ``span``)."""
        seen = set(self.total.arrivals) | set(self.hourly_waits) | set(self.span or ())
        return list(range(min(seen), max(seen) + 1)) if seen else []


Report = DayReport


@dataclass(frozen=True)
class Targets:
    """What the figures need from the hall's layout; empty: no departments, no targets."""

    target_s: Mapping[str, float] = field(default_factory=dict)  # service -> target wait
    department: Mapping[str, str] = field(default_factory=dict)  # service -> department


@dataclass
class _Ticket:
    service: str
    queued_at: float
    waiting: bool = True  # in a queue and not yet called since joining it
    window: str | None = None
    staff: str | None = None
    begun: float | None = None  # start, else call, of the current visit to a window


def _row(group: dict[str, Row], key: str) -> Row:
    """The group's row for ``key``, made on first use (not on every look-up: a month of the
    example hall looks rows up a million times)."""
    row = group.get(key)
    if row is None:
        row = group[key] = Row(key)
    return row


class _Builder:
    """Walks one day's events once, keeping each ticket's and window's current facts; adds
    its figures to the report's rows."""

    def __init__(
        self, report: DayReport, day: str, bucket: str, hour_of: Callable[[float], int], t: Targets
    ) -> None:
        self.report, self.day, self.hour_of, self.t = report, day, hour_of, t
        self.bucket = report.buckets.setdefault(bucket, Row(bucket))
        self.tickets: dict[str, _Ticket] = {}
        self.staff_at: dict[str, str | None] = {}

    def rows(
        self, service: str | None, window: str | None, staff: str | None, total: bool = True
    ) -> list[Row]:
        r = self.report
        out = [r.total, self.bucket] if total else []
        if service:
            out.append(_row(r.services, service))
            dept = self.t.department.get(service)
            if dept:
                out.append(_row(r.departments, dept))
        if window:
            out.append(_row(r.windows, window))
        if staff:
            out.append(_row(r.staff, staff))
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
            over = wait > self.t.target_s.get(t.service, float("inf"))
            for row in self.rows(t.service, w, t.staff):
                row.waits.append(wait)
                row.over_target += over
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

    def on_case_moved(self, ev: Event) -> None:
        """A case (一件事) queued at its next stage: a new queue visit, waited for anew."""
        t = self.tickets.get(ev.data["ticket"])
        if t is not None:
            t.service, t.queued_at, t.waiting, t.window = ev.data["to"], ev.at, True, None

    def on_ticket_rated(self, ev: Event) -> None:
        number = ev.data["ticket"]
        t = self.tickets.get(number)
        score = int(ev.data["score"])
        if t is None or not 1 <= score <= 5:
            return
        window = ev.data.get("window") or t.window
        for row in self.rows(t.service, window, t.staff):
            row.ratings[score - 1] += 1
        source = str(ev.data.get("source") or "")
        rating = Rating(self.day, number, ev.at, score, t.service, window or "", t.staff, source)
        self.report.ratings.append(rating)

    def on_window_opened(self, ev: Event) -> None:
        self.staff_at[ev.data["window"]] = ev.data.get("staff")

    def on_window_closed(self, ev: Event) -> None:
        self.staff_at[ev.data["window"]] = None

    def walk(self, events: Iterable[Event]) -> None:
        handlers = {name[3:]: getattr(self, name) for name in dir(self) if name.startswith("on_")}
        for ev in events:
            handler = handlers.get(ev.kind)
            if handler is not None:
                handler(ev)


EVENT_KINDS = (
    frozenset(name[3:] for name in vars(_Builder) if name.startswith("on_")) | MATTER_KINDS
)  # what it reads


def period_report(
    days: Iterable[tuple[str, Iterable[Event]]],
    label: str,
    timezone: str = "Asia/Shanghai",
    targets: Targets | None = None,
    bucket: Callable[[str], str] = lambda day: day,
) -> DayReport:
    """The report of several business days: ``days`` is (day, that day's events in order);
    ``bucket(day)`` names the chart bar a day adds to (itself, or its month)."""
    tz = ZoneInfo(timezone)
    report = DayReport(label, Row("total"), {}, {}, {}, {})
    for day, events in days:
        report.days.append(day)
        b = _Builder(
            report,
            day,
            bucket(day),
            lambda at: datetime.fromtimestamp(at, tz).hour,
            targets or Targets(),
        )
        listed = list(events)  # one day at a time: walked twice
        b.walk(listed)
        MatterWalk(report.matters, (targets or Targets()).department).walk(listed)
    return report


def day_report(
    events: Iterable[Event],
    day: str,
    timezone: str = "Asia/Shanghai",
    targets: Targets | None = None,
) -> DayReport:
    """The report of one business day from its events (in order)."""
    return period_report([(day, events)], day, timezone, targets)
