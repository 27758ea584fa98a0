"""Invariants of joint reviews (联审) mixed into random days of cases (hypothesis): a ticket
under review is held in no queue and at no window, a window is at one open review at most,
the citizen is called to the room once and only after every department confirmed, and
replaying the events rebuilds the same reviews, tickets and cases."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import NOW, joint_layout
from test_case_properties import busy

from hallq.core.case_views import case_view
from hallq.core.engine import Engine
from hallq.core.errors import QueueError
from hallq.core.joint import joint_view
from hallq.core.model import EventKind, JointStatus, TicketState
from hallq.core.views import window_view

WINDOWS = ["w1", "w2", "w3", "w4"]
DEPARTMENTS = ["rs", "yb", "zh"]
joint_ops = st.one_of(
    st.tuples(
        st.just("joint_open"),
        st.integers(0, 30),
        st.sampled_from(["r1", "r2"]),
        st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=3, unique=True),
        st.sampled_from([None, *WINDOWS]),
    ),
    st.tuples(st.just("joint_confirm"), st.integers(0, 5), st.sampled_from(WINDOWS)),
    st.tuples(st.just("joint_close"), st.integers(0, 5), st.sampled_from(["done", "back"])),
    st.tuples(st.just("call_held"), st.sampled_from(WINDOWS), st.integers(0, 30)),
)
op = st.one_of(busy, busy, joint_ops)


def run_ops(ops):
    e = Engine(joint_layout())
    now, log = NOW, []
    for w in WINDOWS:
        log += e.run("open", now, window=w)
    for name, *args in ops:
        now += 7
        kwargs = _kwargs(e, name, args)
        if kwargs is None:
            continue
        try:
            log += e.run({"call_held": "call"}.get(name, name), now, **kwargs)
        except QueueError:
            pass
    return e, log


def _pick(items, i):
    items = sorted(items)
    return items[i % len(items)] if items else None


def _kwargs(e, name, args):
    if name == "joint_open":
        ticket = _pick(e.tickets, args[0])
        window = args[3]
        return ticket and {
            "ticket": ticket,
            "room": args[1],
            "departments": args[2],
            "window": window,
            "by": window or "board",
        }
    if name in ("joint_confirm", "joint_close"):
        review = _pick(e.joint, args[0])
        key = "window" if name == "joint_confirm" else "outcome"
        return review and {"review": review, key: args[1]}
    if name == "call_held":
        held = [n for n, t in e.tickets.items() if t.state is TicketState.HELD]
        ticket = _pick(held, args[1])
        return ticket and {"window": args[0], "ticket": ticket}
    if name == "issue_case":
        return {"matter": args[0]}
    if name == "issue":
        return {"service": args[0]}
    return {"window": args[0]}


common = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(st.lists(op, min_size=30, max_size=90))
def test_a_ticket_under_review_is_held_nowhere_else_and_windows_sit_at_one_review(ops):
    e, log = run_ops(ops)
    queued = [t.number for q in e.waiting.values() for t in q]
    seated = [w.ticket for w in e.windows.values()]
    at_review: list[str] = []
    for r in e.joint.values():
        t = e.tickets[r.ticket]
        if r.status is not JointStatus.CLOSED:
            assert t.state is TicketState.HELD and t.joint == r.id
            assert r.ticket not in queued and r.ticket not in seated
            at_review += r.windows
    assert len(at_review) == len(set(at_review))
    called = [ev.data["review"] for ev in log if ev.kind == EventKind.JOINT_CALLED]
    assert len(called) == len(set(called))
    for rid in called:
        assert all(p.confirmed_at is not None for p in e.joint[rid].parts)


@common
@given(st.lists(op, min_size=30, max_size=90))
def test_replaying_the_events_rebuilds_the_same_reviews(ops):
    e, log = run_ops(ops)
    again = Engine(joint_layout())
    again.apply_all(log)
    now = NOW + 10**5
    assert again.joint == e.joint
    assert again.tickets == e.tickets
    assert again.cases == e.cases
    assert [joint_view(again, r, now) for r in again.joint.values()] == [
        joint_view(e, r, now) for r in e.joint.values()
    ]
    assert {n: case_view(again, n, now) for n in again.cases} == {
        n: case_view(e, n, now) for n in e.cases
    }
    for w in WINDOWS:
        assert window_view(again, w) == window_view(e, w)
