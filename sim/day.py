"""A discrete-event simulation of hall days that drives the broker's own queue engine.

Virtual time is epoch seconds. Citizens arrive (non-homogeneous Poisson), take a ticket with
``issue``; a window that is free calls the next ticket with ``call_next`` (the engine's policy
decides which), the citizen shows up (``start``) or not (``no_show`` after ``recall_s``), is
served for a random time, then ``finish``-ed or ``transfer``-red to another service. Windows open
at opening time, pause for a staggered lunch, and close once closing time has passed and nobody
waits for them. The engine's events are the only source of the figures.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hallq.core.clock import HallClock
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.estimate import capacity_wait
from hallq.core.model import Event, EventKind, Layout, Tier, WindowStatus

from .load import DayLoad, minute_of, service_weights

Sampler = Callable[[random.Random, float], float]


@dataclass(slots=True)
class Record:
    """One ticket as the simulation saw it."""

    number: str
    service: str
    priority: str | None
    front: bool
    issued_at: float
    est_wait_s: float | None  # what the engine printed on the ticket
    est_base_s: float | None = None  # the first estimator's figure (the baseline)
    wait_s: float | None = None  # until its first call
    window: str | None = None
    matter: str | None = None  # a case (一件事)
    done_at: float | None = None  # a case: its last stage finished (end to end in the hall)


@dataclass(slots=True)
class WindowTime:
    staffed_s: float = 0.0
    busy_s: float = 0.0
    since: float | None = None  # open and not paused since
    busy_since: float | None = None


@dataclass
class DayResult:
    day: str
    open_at: float
    close_at: float
    records: list[Record] = field(default_factory=list)
    windows: dict[str, WindowTime] = field(default_factory=dict)
    refused: int = 0


def lognormal(cv: float) -> Sampler:
    sigma2 = math.log(1 + cv * cv)
    sigma = math.sqrt(sigma2)

    def sample(rng: random.Random, mean: float) -> float:
        return rng.lognormvariate(math.log(mean) - sigma2 / 2, sigma)

    return sample


def exponential(rng: random.Random, mean: float) -> float:
    return rng.expovariate(1 / mean)


def local_epoch(day: date, minute: int, tz: str) -> float:
    start = datetime.combine(day, time(0), ZoneInfo(tz))
    return (start + timedelta(minutes=minute)).timestamp()


def opening_days(layout: Layout, first: date) -> Iterator[date]:
    """The opening days from ``first`` on, by the hall's calendar (holidays skipped, make-up
    working days included)."""
    clock = HallClock(layout.timezone, layout.day_start_min, layout.hours, layout.calendar)
    day = first
    while True:
        if clock.hours_on(day) is not None:
            yield day
        day += timedelta(days=1)


class DaySim:
    """One business day of one engine; ``run()`` returns what happened."""

    def __init__(self, engine: Engine, load: DayLoad, day: date, rng: random.Random) -> None:
        self.engine, self.load, self.rng = engine, load, rng
        lay = engine.layout
        # the day's own hours (Saturday mornings, a make-up day); the engine refuses tickets
        # at lunch or past a service's hours as it does live, and they count as refused
        self.open_min, self.close_min = engine.clock.hours_on(day) or (
            lay.hours.open_min,
            lay.hours.close_min,
        )
        self.open_at = local_epoch(day, self.open_min, lay.timezone)
        self.close_at = local_epoch(day, self.close_min, lay.timezone)
        stop = minute_of(load.stop_issuing) if load.stop_issuing else self.close_min
        self.stop_at = min(self.close_at, local_epoch(day, stop, lay.timezone))
        self.day = day
        self.weights = service_weights(load, lay)
        self.sample = (
            exponential if load.distribution == "exponential" else lognormal(load.service_cv)
        )
        self.heap: list[tuple[float, int, str, str]] = []
        self.seq = 0
        self.idle: dict[str, None] = {}  # open windows with nobody to call, longest idle first
        self.pausing: set[str] = set()
        self.closing = False
        self.records: dict[str, Record] = {}
        self._moved: set[str] = set()  # cases past their first visit
        self.result = DayResult(day.isoformat(), self.open_at, self.close_at)

    # ------------------------------------------------------------------ plumbing
    def at(self, when: float, kind: str, arg: str = "") -> None:
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, kind, arg))

    def do(self, op: str, now: float, **args: object) -> list[Event]:
        events = self.engine.decider(op)(now=now, **args)
        self.engine.apply_all(events)
        return events

    def run(self, until: float | None = None) -> DayResult:
        """Simulate the day (or up to ``until``, leaving the engine mid-day for inspection)."""
        self.engine.apply_all(self.engine.tick(self.open_at - 60))
        self._plan()
        handlers = {
            "open": self._open,
            "arrive": self._arrive,
            "done": self._done,
            "noshow": self._noshow,
            "pause": self._pause,
            "resume": self._resume,
            "close": self._close,
        }
        while self.heap and (until is None or self.heap[0][0] < until):
            now, _, kind, arg = heapq.heappop(self.heap)
            handlers[kind](now, arg)
        self.result.records = list(self.records.values())
        return self.result

    # ------------------------------------------------------------------ the plan
    def _plan(self) -> None:
        for wid in self.engine.windows:
            self.result.windows[wid] = WindowTime()
            self.at(self.open_at, "open", wid)
        self._plan_lunch()
        for when, code in self.arrivals():
            self.at(when, "arrive", code)
        self.at(self.close_at, "close")

    def _plan_lunch(self) -> None:
        lunch = self.load.lunch
        if lunch is None or lunch.minutes == 0:
            return
        start = local_epoch(self.day, minute_of(lunch.start), self.engine.layout.timezone)
        seen: dict[str, int] = {}
        for wid, spec in self.engine.layout.windows.items():
            k = seen[spec.department] = seen.get(spec.department, -1) + 1
            begin = start + (k % 2) * lunch.minutes * 60
            self.at(begin, "pause", wid)
            self.at(begin + lunch.minutes * 60, "resume", wid)

    def arrivals(self) -> Iterator[tuple[float, str]]:
        """The day's arrivals (time, service), the first draws of the day's random stream."""
        lay = self.engine.layout
        marks = sorted((minute_of(k), v) for k, v in self.load.profile.items())
        spans = []
        for i, (minute, rate) in enumerate(marks):
            end = marks[i + 1][0] if i + 1 < len(marks) else self.close_min
            a = max(local_epoch(self.day, minute, lay.timezone), self.open_at)
            b = min(local_epoch(self.day, end, lay.timezone), self.stop_at)
            if b > a and rate > 0:
                spans.append((a, b, rate))
        mass = sum((b - a) * r for a, b, r in spans)
        codes, weights = list(self.weights), list(self.weights.values())
        for a, b, rate in spans:
            lam = self.load.tickets * rate / mass
            t = a + self.rng.expovariate(lam)
            while t < b:
                yield t, self.rng.choices(codes, weights)[0]
                t += self.rng.expovariate(lam)

    # ------------------------------------------------------------------ handlers
    def _open(self, now: float, wid: str) -> None:
        self.do("open", now, window=wid, staff=f"staff-{wid}")
        self.result.windows[wid].since = now
        self._call(now, wid)

    def _priority(self) -> str | None:
        r = self.rng.random()
        for cls, share in self.load.priority.items():
            if r < share:
                return cls
            r -= share
        return None

    def _matter(self) -> str | None:
        r = self.rng.random()
        for matter, share in self.load.matters.items():
            if r < share:
                return matter
            r -= share
        return None

    def _arrive(self, now: float, code: str) -> None:
        prio = self._priority()
        matter = self._matter()
        base = None if matter else capacity_wait(self.engine, code)[1]
        try:
            if matter is None:
                ev = self.do("issue", now, service=code, priority=prio)[0]
            else:
                ev = self.do("issue_case", now, matter=matter, priority=prio)[0]
                code = ev.data["service"]
        except QueueError:
            self.result.refused += 1
            return
        d = ev.data
        front = self.engine.tickets[d["ticket"]].front
        self.records[d["ticket"]] = Record(
            d["ticket"], code, prio, front, now, d["est_wait_s"], base, matter=matter
        )
        self._wake(now, code)

    def _wake(self, now: float, code: str) -> None:
        """Offer a new ticket to idle windows: those holding it as primary first, or the
        longest idle first if the policy says so (FCFS-ALIS)."""
        windows = self.engine.windows
        able = [w for w in self.idle if code in windows[w].services]  # longest idle first
        if not getattr(self.engine.policy, "assigns_longest_idle", False):
            able.sort(key=lambda w: windows[w].services[code] is not Tier.PRIMARY)
        for wid in able:
            if self._call(now, wid):
                return

    def _call(self, now: float, wid: str) -> bool:
        w = self.engine.windows[wid]
        if w.status is not WindowStatus.OPEN or w.ticket is not None:
            return False
        try:
            events = self.do("call_next", now, window=wid)
        except QueueError as exc:
            if exc.code is not ErrorCode.QUEUE_EMPTY:
                raise
            self._idle(now, wid)
            return False
        self.idle.pop(wid, None)
        self._called(now, wid, events[-1])
        return True

    def _idle(self, now: float, wid: str) -> None:
        if self.closing:
            self._shut(now, wid)
        else:
            self.idle.setdefault(wid, None)

    def _called(self, now: float, wid: str, ev: Event) -> None:
        rec = self.records[ev.data["ticket"]]
        if rec.wait_s is None:  # the engine rounds wait_s to seconds; keep it exact
            rec.wait_s, rec.window = now - rec.issued_at, wid
        self.result.windows[wid].busy_since = now
        # a citizen on a case (一件事) is in the hall already: only first arrivals miss a call
        first_visit = rec.matter is None or ev.data["ticket"] not in self._moved
        if first_visit and self.rng.random() < self.load.no_show:
            self.at(now + self.load.recall_s, "noshow", wid)
            return
        self.do("start", now, window=wid)
        # a one_window sitting (一件事 at a 综合窗口) does every service of the matter at once
        codes = self.engine.tickets[ev.data["ticket"]].sitting or {ev.data["service"]}
        mean = sum(self.engine.layout.services[c].avg_service_min for c in codes) * 60
        self.at(now + self.sample(self.rng, mean), "done", wid)

    def _free(self, now: float, wid: str) -> None:
        wt = self.result.windows[wid]
        if wt.busy_since is not None:
            wt.busy_s += now - wt.busy_since
            wt.busy_since = None
        if wid in self.pausing:
            self.pausing.discard(wid)
            self._pause(now, wid)
        else:
            self._call(now, wid)

    def _done(self, now: float, wid: str) -> None:
        number = self.engine.current(wid).number
        if number in self.engine.cases:
            self._case_done(now, wid, number)
            return
        if self.rng.random() < self.load.transfer:
            code = self.rng.choices(list(self.weights), list(self.weights.values()))[0]
            if code != self.engine.current(wid).service:
                self.do("transfer", now, window=wid, service=code)
                self._free(now, wid)
                self._wake(now, code)
                return
        self.do("finish", now, window=wid)
        self._free(now, wid)

    def _case_done(self, now: float, wid: str, number: str) -> None:
        """A case's visit finished: it queues for its next one by itself (or is complete)."""
        events = self.do("finish", now, window=wid)
        self._free(now, wid)
        last = events[-1]
        if last.kind == EventKind.CASE_MOVED:
            self._moved.add(number)
            self._wake(now, last.data["to"])
        elif last.kind == EventKind.CASE_COMPLETED:
            self.records[number].done_at = now

    def _noshow(self, now: float, wid: str) -> None:
        self.do("no_show", now, window=wid)
        self._free(now, wid)

    def _pause(self, now: float, wid: str) -> None:
        w = self.engine.windows[wid]
        if w.status is not WindowStatus.OPEN:
            return
        if w.ticket is not None:
            self.pausing.add(wid)
            return
        self.do("pause", now, window=wid, reason="lunch")
        self.idle.pop(wid, None)
        self._stop_clock(now, wid)

    def _resume(self, now: float, wid: str) -> None:
        self.pausing.discard(wid)
        if self.engine.windows[wid].status is WindowStatus.PAUSED:
            self.do("resume", now, window=wid)
            self.result.windows[wid].since = now
            self._call(now, wid)

    def _close(self, now: float, _: str) -> None:
        self.closing = True
        for wid in list(self.idle):
            self._shut(now, wid)

    def _shut(self, now: float, wid: str) -> None:
        self.idle.pop(wid, None)
        self.do("close", now, window=wid)
        self._stop_clock(now, wid)

    def _stop_clock(self, now: float, wid: str) -> None:
        wt = self.result.windows[wid]
        if wt.since is not None:
            wt.staffed_s += now - wt.since
            wt.since = None
