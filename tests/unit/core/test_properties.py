"""Invariants of the engine under random operation sequences (hypothesis).

No ticket called twice, none lost, numbers unique per day, FIFO within a service and class
and bounded priority share (under every policy), and replaying the events rebuilds exactly
the same state.
"""

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import NOW, small_layout

from hallq.core.engine import Engine
from hallq.core.errors import QueueError
from hallq.core.model import ACTIVE_STATES, CallRule, Event, PriorityRule, TicketState
from hallq.core.policies import POLICIES
from hallq.core.views import hall_view, service_view, window_view

WINDOWS = ["w1", "w2", "w3"]
SERVICES = ["A", "B", "C"]
op = st.one_of(
    st.tuples(
        st.just("issue"), st.sampled_from(SERVICES), st.sampled_from([None, "elderly", "appt"])
    ),
    st.tuples(st.just("call_next"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("finish"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("no_show"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("hold"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("transfer"), st.sampled_from(WINDOWS), st.sampled_from(SERVICES)),
    st.tuples(st.just("pause"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("resume"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("open"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("close"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("wait"), st.integers(1, 3600)),
    st.tuples(st.just("start"), st.sampled_from(WINDOWS)),
    st.tuples(
        st.just("set_services"),
        st.sampled_from(WINDOWS),
        st.dictionaries(st.sampled_from(SERVICES), st.sampled_from(["primary", "secondary"])),
    ),
    st.tuples(st.just("rate"), st.integers(1, 5)),
)


def run_ops(ops, ratio=2, policy="default"):
    e = Engine(small_layout(ratio), policy)
    now, log = NOW, []
    for w in WINDOWS:
        log += e.run("open", now, window=w)
    for o in ops:
        now += 7
        name, *args = o
        kwargs = _kwargs(name, args, e)
        if name == "rate":
            name = "evaluate"
        if kwargs is None:
            now += args[0]
            continue
        ticked = e.tick(now)
        e.apply_all(ticked)
        log += ticked
        try:
            log += e.run(name, now, **kwargs)
        except QueueError:
            pass  # a refusal changes nothing: the replay test checks that
    return e, log


def _kwargs(name, args, e=None):
    if name == "wait":
        return None
    if name == "set_services":
        return {"window": args[0], "services": args[1]}
    if name == "rate":  # the evaluator of the last finished, unrated ticket
        done = [t for t in e.tickets.values() if t.state is TicketState.DONE and not t.rating]
        return {"ticket": done[-1].number if done else "Z999", "score": args[0]}
    if name == "issue":
        return {"service": args[0], "priority": args[1]}
    if name == "transfer":
        return {"window": args[0], "service": args[1]}
    return {"window": args[0]}


common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(st.lists(op, max_size=80))
def test_no_ticket_lost_or_in_two_places(ops):
    e, _ = run_ops(ops)
    waiting = [t.number for q in e.waiting.values() for t in q]
    assert len(waiting) == len(set(waiting))
    for t in e.tickets.values():
        in_queue = t.number in waiting
        assert in_queue == (t.state is TicketState.WAITING)
        if t.state is TicketState.WAITING:
            assert t in e.waiting[t.service]
        at_window = [w.id for w in e.windows.values() if w.ticket == t.number]
        assert len(at_window) == (1 if t.state in ACTIVE_STATES else 0)
        if at_window:
            assert t.window == at_window[0]


@common
@given(st.lists(op, max_size=80))
def test_numbers_unique_and_finished_tickets_never_called_again(ops):
    _, log = run_ops(ops)
    issued = [ev.data["ticket"] for ev in log if ev.kind == "ticket_issued"]
    assert len(issued) == len(set(issued))
    ended: set[str] = set()
    for ev in log:
        t = ev.data.get("ticket")
        if ev.kind == "ticket_called":
            assert t not in ended
        if ev.kind in ("ticket_finished", "ticket_no_show", "ticket_cancelled"):
            ended.add(t)


@common
@given(st.lists(op, max_size=80), st.sampled_from(list(POLICIES)))
def test_fifo_within_a_service_and_class(ops, policy):
    """A call never skips an older waiting ticket of the same service and class, under every
    policy: they choose between lines, never inside one."""
    e = Engine(small_layout())
    shadow: dict[str, list[tuple]] = defaultdict(list)
    _, log = run_ops(ops, policy=policy)
    for ev in log:
        if ev.kind == "ticket_called" and ev.data["reason_code"] != CallRule.BY_NUMBER:
            service, front = ev.data["service"], ev.data["front"]
            same = [k for k in shadow[service] if k[2] == front]
            assert min(same)[1] == ev.data["ticket"]
        _track(shadow, ev, e)


def _track(shadow, ev: Event, e: Engine) -> None:
    d = ev.data
    e.apply(ev)
    if ev.kind == "day_started":
        shadow.clear()
    keyed = {k[1]: (s, k) for s, q in shadow.items() for k in q}
    if "ticket" in d and d["ticket"] in keyed:
        s, k = keyed[d["ticket"]]
        shadow[s].remove(k)
    t = e.tickets.get(d.get("ticket", ""))
    if t is not None and t.state is TicketState.WAITING:
        shadow[t.service].append(((t.rank_at, t.seq), t.number, t.front))
    for q in shadow.values():
        q.sort()


@common
@given(st.lists(op, max_size=120), st.integers(1, 4), st.sampled_from(list(POLICIES)))
def test_priority_share_is_bounded_per_window(ops, ratio, policy):
    _, log = run_ops(ops, ratio, policy)
    normals_since: dict[str, int] = defaultdict(lambda: 10**6)
    for ev in log:
        if ev.kind != "ticket_called":
            continue
        w = ev.data["window"]
        if ev.data["front"]:
            if ev.data["priority_rule"] != PriorityRule.NORMAL_EMPTY:
                assert ev.data["priority_rule"] == PriorityRule.SHARE
                assert normals_since[w] >= ratio
            normals_since[w] = 0
        else:
            normals_since[w] += 1


@common
@given(st.lists(op, max_size=80))
def test_replaying_the_events_rebuilds_the_same_state(ops):
    e, log = run_ops(ops)
    again = Engine(small_layout())
    again.apply_all(log)
    now = NOW + 10**6
    for w in WINDOWS:
        assert window_view(again, w) == window_view(e, w)
    for s in SERVICES:
        assert service_view(again, s, now) == service_view(e, s, now)
    assert hall_view(again, now) == hall_view(e, now)


@common
@given(st.lists(op, max_size=120))
def test_kept_counts_and_window_index_equal_a_recount(ops):
    """The per-state counts, ratings and the service -> windows index the appliers keep (so
    views do not walk the day) always equal what a walk over the tickets and windows gives."""
    e, _log = run_ops(ops)
    recount = dict.fromkeys(TicketState, 0)
    ratings: dict[int, int] = {}
    for t in e.tickets.values():
        recount[t.state] += 1
        if t.rating is not None:
            ratings[t.rating] = ratings.get(t.rating, 0) + 1
    assert e.state_counts == recount
    assert {k: v for k, v in e.ratings.items() if v} == ratings
    for code in e.layout.services:
        listed = {w.id for w in e.windows.values() if code in w.services}
        assert {w.id for w in e.serving[code]} == listed
