"""Invariants of cases (一件事) under random operation sequences (hypothesis).

A case is never in two queues (nor in a queue and at a window), every visit of its matter is
done exactly once and in stage order, the continuing class's run is bounded per window, and
replaying the events rebuilds the same cases.
"""

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import NOW, matter_layout

from hallq.core.case_views import case_view
from hallq.core.engine import Engine
from hallq.core.errors import QueueError
from hallq.core.model import ACTIVE_STATES, CallRule, StageRule, TicketState
from hallq.core.views import hall_view, service_view, window_view

WINDOWS = ["w1", "w2", "w3"]
SERVICES = ["A", "B", "C"]
# the day's common steps weigh more than the rare ones, so cases get through their stages
busy = st.one_of(
    st.tuples(st.just("issue_case"), st.sampled_from(["birth", "birth", "desk"])),
    st.tuples(st.just("issue"), st.sampled_from(SERVICES)),
    st.tuples(st.just("call_next"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("finish"), st.sampled_from(WINDOWS)),
)
rare = st.one_of(
    st.tuples(st.just("no_show"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("recall_held"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("transfer"), st.sampled_from(WINDOWS), st.sampled_from(SERVICES)),
    st.tuples(st.just("cancel_any"), st.integers(0, 30)),
    st.tuples(st.just("pause"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("resume"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("close"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("open"), st.sampled_from(WINDOWS)),
)
op = st.one_of(busy, busy, busy, busy, rare)


def run_ops(ops, run=2):
    e = Engine(matter_layout(run=run))
    now, log = NOW, []
    for w in WINDOWS:
        log += e.run("open", now, window=w)
    for name, *args in ops:
        now += 7
        kwargs = _kwargs(e, name, args)
        if kwargs is None:
            continue
        engine_op = {"recall_held": "call", "cancel_any": "cancel"}.get(name, name)
        try:
            log += e.run(engine_op, now, **kwargs)
        except QueueError:
            pass
    return e, log


def _kwargs(e, name, args):
    if name == "issue_case":
        return {"matter": args[0]}
    if name == "issue":
        return {"service": args[0]}
    if name == "transfer":
        return {"window": args[0], "service": args[1]}
    if name == "recall_held":
        held = [n for n, t in e.tickets.items() if t.state is TicketState.HELD]
        return {"window": args[0], "ticket": held[0]} if held else None
    if name == "cancel_any":
        numbers = sorted(e.tickets)
        return {"ticket": numbers[args[0] % len(numbers)]} if numbers else None
    return {"window": args[0]}


common = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(st.lists(op, min_size=40, max_size=100))
def test_a_case_is_never_in_two_queues(ops):
    e, _ = run_ops(ops)
    queued = [t.number for q in e.waiting.values() for t in q]
    assert len(queued) == len(set(queued))
    recount = {s: sum(1 for t in e.tickets.values() if t.state is s) for s in TicketState}
    assert e.state_counts == recount  # a case moving on keeps the per-state counts
    for n in e.cases:
        t = e.tickets[n]
        assert (n in queued) == (t.state is TicketState.WAITING)
        at = [w.id for w in e.windows.values() if w.ticket == n]
        assert len(at) == (1 if t.state in ACTIVE_STATES else 0)


@common
@given(st.lists(op, min_size=40, max_size=100))
def test_every_visit_is_done_exactly_once_and_in_stage_order(ops):
    e, _ = run_ops(ops)
    for n, case in e.cases.items():
        done = [(s.stage, s.slot) for s in case.steps]
        assert len(done) == len(set(done))
        assert [s for s, _ in done] == sorted(s for s, _ in done)
        # a stage starts only once the one before it is complete
        for stage, _slot in done:
            for earlier in range(stage):
                assert {(earlier, c) for c in case.stages[earlier]} <= set(done)
        if case.completed_at is not None:
            expected = {(i, c) for i, stage in enumerate(case.stages) for c in stage}
            assert set(done) == expected
            assert e.tickets[n].state is TicketState.DONE


@common
@given(st.lists(op, min_size=40, max_size=120), st.integers(1, 3))
def test_the_continuing_run_is_bounded_per_window(ops, run):
    _, log = run_ops(ops, run)
    streak: dict[str, int] = defaultdict(int)
    for ev in log:
        if ev.kind == "day_started":
            streak.clear()
        if ev.kind != "ticket_called":
            continue
        w, rule = ev.data["window"], ev.data["stage_rule"]
        if rule == StageRule.CONTINUING:
            assert ev.data["continuing"] and streak[w] < run
        if rule == StageRule.FRESH_TURN:
            assert not ev.data["continuing"] and streak[w] >= run
        if ev.data["continuing"] and ev.data["reason_code"] != CallRule.BY_NUMBER:
            assert rule in (StageRule.CONTINUING, None)
        streak[w] = streak[w] + 1 if ev.data["continuing"] else 0


@common
@given(st.lists(op, min_size=40, max_size=100))
def test_replaying_the_events_rebuilds_the_same_cases(ops):
    e, log = run_ops(ops)
    again = Engine(matter_layout())
    again.apply_all(log)
    now = NOW + 10**5
    assert {n: case_view(again, n, now) for n in again.cases} == {
        n: case_view(e, n, now) for n in e.cases
    }
    assert again.cases == e.cases
    for w in WINDOWS:
        assert window_view(again, w) == window_view(e, w)
    for s in SERVICES:
        assert service_view(again, s, now) == service_view(e, s, now)
    assert hall_view(again, now) == hall_view(e, now)
