"""The wall clock stepping back or jumping ahead (issue 17, defect 3).

The business day only moves forward; a clock set back keeps today's numbers and windows, waits
and service times are never negative, and a new ticket never gets ahead of those in line.
"""

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import NOW, small_layout

from hallq.core.clock import ClockSteps, StepKind
from hallq.core.engine import Engine
from hallq.core.errors import QueueError
from hallq.core.model import Event, WindowStatus
from hallq.core.views import hall_view, service_view, window_view

HOUR = 3600.0
# NOW is 16:00 in Shanghai and the business day starts at 03:00
BEFORE_DAY_START = NOW - 14 * HOUR  # 02:00 the same date: yesterday's business day
NEXT_DAY_START = NOW + 11 * HOUR  # 03:00 tomorrow
WINDOWS = ("w1", "w2", "w3")


def open_engine() -> tuple[Engine, list[Event]]:
    e, log = Engine(small_layout()), []
    for w in WINDOWS:
        log += e.run("open", NOW, window=w, staff=f"staff-{w}")
    return e, log


def issue(e: Engine, log: list[Event], at: float, service: str = "A") -> str:
    events = e.run("issue", at, service=service)
    log += events
    return events[-1].data["ticket"]


def test_a_step_back_across_day_starts_keeps_the_day_its_numbers_and_windows():
    e, log = open_engine()
    day = e.day
    assert [issue(e, log, NOW + i) for i in range(2)] == ["A001", "A002"]
    assert e.tick(BEFORE_DAY_START) == []
    assert issue(e, log, BEFORE_DAY_START) == "A003"
    assert e.day == day and len(e.tickets) == 3
    assert all(w.status is WindowStatus.OPEN for w in e.windows.values())
    assert {ev.data["day"] for ev in log if ev.kind == "ticket_issued"} == {day}


def test_after_a_step_back_the_day_rolls_over_once_when_the_next_start_passes():
    e, log = open_engine()
    issue(e, log, NOW)
    for at in (BEFORE_DAY_START, NOW - HOUR, NOW + HOUR, NEXT_DAY_START - 1):
        log += e.run("issue", at, service="A")
    starts = [ev for ev in log if ev.kind == "day_started"]
    assert len(starts) == 1  # only the first
    log += e.run("open", NEXT_DAY_START + 1, window="w1")  # staff sign in each morning
    assert issue(e, log, NEXT_DAY_START + 2) == "A001"
    starts = [ev.data for ev in log if ev.kind == "day_started"]
    assert len(starts) == 2 and starts[1]["previous"] == starts[0]["day"]
    assert starts[1]["day"] > starts[0]["day"]


def test_a_step_back_within_the_day_records_no_negative_wait_or_service_time():
    e, log = open_engine()
    for i in range(4):
        issue(e, log, NOW + i)
    back = NOW - 20 * 60
    for k in range(3):  # called, started and finished with the clock behind the issue
        log += e.run("call_next", back + k, window="w1")
        log += e.run("start", back + k, window="w1")
        log += e.run("finish", back - 60 + k, window="w1")
    waits = [ev.data["wait_s"] for ev in log if ev.kind == "ticket_called"]
    assert waits and min(waits) == 0
    assert min(e.durations["A"]) == 0.0
    view = service_view(e, "A", back)
    assert view["est_wait_s"] is not None and view["est_wait_s"] >= 0


def test_a_ticket_issued_after_a_step_back_does_not_jump_the_line():
    e, log = open_engine()
    first = issue(e, log, NOW)
    later = issue(e, log, NOW - HOUR)  # the clock went back an hour
    order = [e.run("call_next", NOW - HOUR + i, window="w1")[-1].data["ticket"] for i in (1, 2)]
    assert order == [first, later]


def test_an_unconfirmed_print_is_assumed_after_a_step_back_beyond_the_timeout():
    e, _ = open_engine()
    number = e.run("issue", NOW, service="A", confirm=True)[-1].data["ticket"]
    assert e.tick(NOW - 30) == []
    assumed = e.tick(NOW - HOUR)
    assert [(ev.kind, ev.data["ticket"]) for ev in assumed] == [("ticket_printed", number)]


def test_replay_after_steps_rebuilds_the_same_state():
    e, log = open_engine()
    for at in (NOW, BEFORE_DAY_START, NOW - 30, NOW + 60):
        log += e.run("issue", at, service="B")
    log += e.run("call_next", NOW - 600, window="w2")
    again = Engine(small_layout())
    again.apply_all(log)
    assert again.latest == e.latest and again.day == e.day
    assert [t.rank_at for t in again.waiting["B"]] == [t.rank_at for t in e.waiting["B"]]
    assert service_view(again, "B", NOW) == service_view(e, "B", NOW)


def test_clock_steps_are_reported_once_each():
    steps = ClockSteps(newest=NOW + 5, now=NOW)
    assert steps.observe(NOW + 1) is not None  # behind the newest stored event
    assert steps.observe(NOW + 2) is None  # still behind: said once
    caught = steps.observe(NOW + 6)
    assert caught is not None and caught.kind is StepKind.CAUGHT_UP
    assert steps.observe(NOW + 7) is None
    back = steps.observe(NOW - HOUR)
    assert back is not None and back.kind is StepKind.BACK and back.seconds == HOUR + 7
    assert steps.observe(NOW - HOUR + 1) is None
    assert steps.observe(NOW + 8).kind is StepKind.CAUGHT_UP
    ahead = steps.observe(NOW + 72 * HOUR)
    assert ahead is not None and ahead.kind is StepKind.FORWARD
    assert steps.observe(NOW + 72 * HOUR + 1) is None


# ---------------------------------------------------------------- property
op = st.one_of(
    st.tuples(st.just("issue"), st.sampled_from(["A", "B", "C"])),
    st.tuples(st.just("call_next"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("finish"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("open"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("clock"), st.integers(-3 * 86400, 3 * 86400)),
)


def run_with_steps(ops) -> tuple[Engine, list[Event]]:
    e, log = open_engine()
    now = NOW
    for name, arg in ops:
        if name == "clock":
            now += arg
            continue
        now += 7
        kwargs = {"service": arg} if name == "issue" else {"window": arg}
        ticked = e.tick(now)
        e.apply_all(ticked)
        log += ticked
        try:
            log += e.run(name, now, **kwargs)
        except QueueError:
            pass
    return e, log


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, max_size=80))
def test_time_back_and_forth_never_repeats_a_number_within_a_stored_day(ops):
    e, log = run_with_steps(ops)
    numbers: dict[str, list[str]] = defaultdict(list)
    for ev in log:
        if ev.kind == "ticket_issued":
            numbers[ev.data["day"]].append(ev.data["ticket"])
    assert all(len(n) == len(set(n)) for n in numbers.values())
    days = [ev.data["day"] for ev in log if ev.kind == "day_started"]
    assert days == sorted(set(days))  # each day starts once, in order
    assert all(ev.data["wait_s"] >= 0 for ev in log if ev.kind == "ticket_called")
    assert all(d >= 0 for q in e.durations.values() for d in q)
    again = Engine(small_layout())
    again.apply_all(log)
    for w in WINDOWS:
        assert window_view(again, w) == window_view(e, w)
    for s in ("A", "B", "C"):
        assert service_view(again, s, NOW) == service_view(e, s, NOW)
    assert hall_view(again, NOW) == hall_view(e, NOW)
