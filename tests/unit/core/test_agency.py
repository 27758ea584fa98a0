"""Agency (帮办代办): a desk carries a case for the citizen, one rule per test."""

import pytest
from layouts import NOW, agency_layout

from hallq.core.case_views import case_view
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import EventKind, TicketState
from hallq.core.replay import numbered, replay
from hallq.core.views import window_view


def hall() -> Engine:
    e = Engine(agency_layout())
    for w in ("w1", "w2", "w3", "w9"):
        e.run("open", NOW, window=w)
    return e


def test_a_desk_opens_a_case_for_a_matter_and_calls_name_the_agent():
    e = hall()
    events = e.run("agency_take", NOW + 5, window="w9", matter="birth", agent="帮办员王")
    kinds = [ev.kind for ev in events]
    assert kinds == [EventKind.TICKET_ISSUED, EventKind.CASE_OPENED, EventKind.AGENCY_TAKEN]
    n = events[-1].data["ticket"]
    t = e.tickets[n]
    assert (t.agent, t.desk, t.state) == ("帮办员王", "w9", TicketState.WAITING)
    e.run("call_next", NOW + 60, window="w1")
    assert window_view(e, "w1")["agent"] == "帮办员王"
    assert case_view(e, n, NOW + 60)["desk_name"] == "帮办代办窗口"
    e.run("finish", NOW + 120, window="w1")
    assert e.tickets[n].agent == "帮办员王"  # carried through every stage


def test_a_held_case_taken_goes_back_to_its_queue_at_its_old_place():
    e = hall()
    n = e.run("issue_case", NOW, matter="birth")[-1].data["ticket"]
    later = e.run("issue", NOW + 30, service="A")[-1].data["ticket"]
    e.run("call", NOW + 40, window="w1", ticket=n)
    e.run("no_show", NOW + 100, window="w1")
    assert e.tickets[n].state is TicketState.HELD
    e.run("agency_take", NOW + 200, window="w9", ticket=n)
    assert e.tickets[n].state is TicketState.WAITING
    assert e.tickets[n].agent == "帮办代办窗口"  # no agent named: the desk is called
    assert e.run("call_next", NOW + 210, window="w1")[-1].data["ticket"] == n != later


def test_only_an_agency_desk_takes_and_only_cases_waiting_or_held():
    e = hall()
    n = e.run("issue_case", NOW, matter="birth")[-1].data["ticket"]
    plain = e.run("issue", NOW, service="B")[-1].data["ticket"]
    with pytest.raises(QueueError) as no_desk:
        e.run("agency_take", NOW, window="w1", ticket=n)
    assert no_desk.value.code is ErrorCode.NOT_AGENCY_DESK
    with pytest.raises(QueueError, match="not a case"):
        e.run("agency_take", NOW, window="w9", ticket=plain)
    e.run("call", NOW + 1, window="w1", ticket=n)
    with pytest.raises(QueueError, match="called"):
        e.run("agency_take", NOW + 2, window="w9", ticket=n)
    with pytest.raises(QueueError, match="exactly one"):
        e.run("agency_take", NOW + 2, window="w9")


def test_release_is_for_the_desk_carrying_it_or_a_manager():
    e = hall()
    n = e.run("agency_take", NOW, window="w9", matter="birth")[-1].data["ticket"]
    with pytest.raises(QueueError) as other:
        e.run("agency_release", NOW + 1, ticket=n, window="w1")
    assert other.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(QueueError, match="already carried"):
        e.run("agency_take", NOW + 1, window="w9", ticket=n)
    e.run("agency_release", NOW + 2, ticket=n, window="w9")
    assert e.tickets[n].agent is None and "agent" not in case_view(e, n, NOW + 3)
    with pytest.raises(QueueError, match="not carried"):
        e.run("agency_release", NOW + 4, ticket=n)


def test_replay_rebuilds_agency_cases():
    e = hall()
    log = []
    for op, kw in [
        ("issue_case", {"matter": "birth"}),
        ("agency_take", {"window": "w9", "matter": "birth", "agent": "帮办员王"}),
        ("call_next", {"window": "w1"}),
        ("no_show", {"window": "w1"}),
    ]:
        log += e.run(op, NOW + len(log), **kw)
    held = next(n for n, t in e.tickets.items() if t.state is TicketState.HELD)
    log += e.run("agency_take", NOW + 50, window="w9", ticket=held)
    again = Engine(agency_layout())
    for w in ("w1", "w2", "w3", "w9"):
        again.run("open", NOW, window=w)
    replay(again, numbered(log))
    assert {n: (t.agent, t.desk, t.state) for n, t in again.tickets.items()} == {
        n: (t.agent, t.desk, t.state) for n, t in e.tickets.items()
    }
