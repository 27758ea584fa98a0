"""The queue engine's rules, one behaviour per test."""

import dataclasses

import pytest
from layouts import NOW, small_layout

from hallq.core.engine import ISSUE_CONFIRM_TIMEOUT_S, Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import CallRule, OpeningHours, TicketState, WindowStatus


def open_engine(*windows: str, ratio: int = 2) -> Engine:
    e = Engine(small_layout(ratio))
    for w in windows or ("w1", "w2", "w3"):
        e.run("open", NOW, window=w, staff=f"staff-{w}")
    return e


def issue(e: Engine, service: str, at: float, **kw) -> str:
    return e.run("issue", at, service=service, **kw)[-1].data["ticket"]


def call(e: Engine, window: str, at: float) -> str:
    return e.run("call_next", at, window=window)[-1].data["ticket"]


def test_numbers_use_the_prefix_and_restart_each_business_day():
    e = open_engine()
    assert [issue(e, "A", NOW + i) for i in range(3)] == ["A001", "A002", "A003"]
    # services B and C share the prefix B: one sequence, never a repeated number
    assert [issue(e, s, NOW + 10) for s in ("B", "C", "B")] == ["B001", "B002", "B003"]
    next_day = NOW + 86400
    e.run("open", next_day, window="w1")
    assert issue(e, "A", next_day) == "A001"
    assert e.day != "" and e.tickets["A001"].issued_at == next_day


def test_fifo_within_a_service():
    e = open_engine("w1")
    first, second = issue(e, "A", NOW), issue(e, "A", NOW + 1)
    assert call(e, "w1", NOW + 60) == first
    assert call(e, "w1", NOW + 61) == second
    assert e.tickets[first].state is TicketState.DONE  # calling next finished the previous


def test_priority_goes_first_but_at_most_one_per_ratio_normal_calls():
    e = open_engine("w1", ratio=2)
    normals = [issue(e, "A", NOW + i) for i in range(6)]
    olds = [issue(e, "A", NOW + 10 + i, priority="elderly") for i in range(3)]
    order = [call(e, "w1", NOW + 100 + i) for i in range(9)]
    assert order == [
        olds[0],
        normals[0],
        normals[1],
        olds[1],
        normals[2],
        normals[3],
        olds[2],
        normals[4],
        normals[5],
    ]


def test_priority_unbounded_when_no_normal_ticket_waits():
    e = open_engine("w1", ratio=2)
    olds = [issue(e, "A", NOW + i, priority="elderly") for i in range(3)]
    assert [call(e, "w1", NOW + 100 + i) for i in range(3)] == olds


def test_boosted_appointment_counts_as_arrived_earlier():
    e = open_engine("w1")
    walk_in = issue(e, "A", NOW)
    appt = issue(e, "A", NOW + 600, priority="appt")  # 10 min later, boosted 15 min
    assert call(e, "w1", NOW + 700) == appt
    assert call(e, "w1", NOW + 701) == walk_in


def test_primary_before_secondary_until_the_secondary_passes_its_target():
    e = open_engine("w2")
    a = issue(e, "A", NOW)  # A is secondary at w2, target 20 min
    b = issue(e, "B", NOW + 60)
    assert call(e, "w2", NOW + 120) == b
    e.run("finish", NOW + 130, window="w2")
    b2 = issue(e, "B", NOW + 140)
    overdue = NOW + 21 * 60
    event = e.run("call_next", overdue, window="w2")[-1]
    assert event.data["ticket"] == a
    assert event.data["reason_code"] == CallRule.SECONDARY_OVERDUE
    assert call(e, "w2", overdue + 1) == b2


def test_secondary_served_when_no_primary_waits_and_every_call_says_why():
    e = open_engine("w2")
    a = issue(e, "A", NOW)
    ev = e.run("call_next", NOW + 5, window="w2")[-1]
    assert ev.data["ticket"] == a
    assert ev.data["reason_code"] == CallRule.SECONDARY_IDLE and ev.data["priority_rule"] is None
    # the plain sentence stays what third parties have always received
    assert ev.data["reason"] == "secondary A, no primary ticket waiting"


def test_call_next_on_an_empty_queue_is_refused_and_changes_nothing():
    e = open_engine("w1")
    with pytest.raises(QueueError) as err:
        e.run("call_next", NOW, window="w1")
    assert err.value.code is ErrorCode.QUEUE_EMPTY
    assert e.windows["w1"].ticket is None


def test_transfer_keeps_the_citizens_place():
    e = open_engine("w1", "w2")
    early = issue(e, "A", NOW)
    later_b = issue(e, "B", NOW + 30)
    assert call(e, "w1", NOW + 60) == early
    e.run("transfer", NOW + 120, window="w1", service="B")
    t = e.tickets[early]
    assert (t.service, t.state, t.transfers) == ("B", TicketState.WAITING, 1)
    assert call(e, "w2", NOW + 130) == early  # arrived before later_b: keeps its place
    assert call(e, "w2", NOW + 131) == later_b


def test_recall_no_show_hold_and_call_by_number():
    e = open_engine("w1")
    first, second = issue(e, "A", NOW), issue(e, "A", NOW + 1)
    call(e, "w1", NOW + 10)
    recall = e.run("recall", NOW + 20, window="w1")[-1]
    assert recall.kind == "ticket_recalled" and e.tickets[first].calls == 2
    e.run("hold", NOW + 30, window="w1")
    assert e.tickets[first].state is TicketState.HELD and e.windows["w1"].ticket is None
    assert call(e, "w1", NOW + 40) == second
    e.run("no_show", NOW + 50, window="w1")
    assert e.tickets[second].state is TicketState.NO_SHOW and e.windows["w1"].ticket is None
    e.run("call", NOW + 60, window="w1", ticket=first.lower())
    assert e.windows["w1"].ticket == first


def test_windows_open_pause_resume_close():
    e = open_engine("w1")
    issue(e, "A", NOW)
    e.run("pause", NOW + 1, window="w1", reason="午休")
    assert e.windows["w1"].status is WindowStatus.PAUSED
    with pytest.raises(QueueError) as err:
        e.run("call_next", NOW + 2, window="w1")
    assert err.value.code is ErrorCode.WINDOW_PAUSED
    e.run("resume", NOW + 3, window="w1")
    call(e, "w1", NOW + 4)
    e.run("close", NOW + 5, window="w1")
    assert e.windows["w1"].status is WindowStatus.CLOSED
    assert e.windows["w1"].served == 1  # closing finished the current ticket


def test_issue_refusals_name_the_reason():
    e = open_engine("w1")
    cases = [
        ({"service": "Z"}, ErrorCode.UNKNOWN_SERVICE),
        ({"service": "A", "priority": "vip"}, ErrorCode.UNKNOWN_PRIORITY),
        ({"service": "B"}, ErrorCode.SERVICE_CLOSED),
    ]  # no open window serves B
    for args, code in cases:
        with pytest.raises(QueueError) as err:
            e.run("issue", NOW, **args)
        assert err.value.code is code
    e.run("open", NOW, window="w3")
    for _ in range(3):
        issue(e, "C", NOW)
    with pytest.raises(QueueError) as err:
        e.run("issue", NOW, service="C")
    assert err.value.code is ErrorCode.DAILY_CAP


def test_hall_closed_outside_opening_hours():
    layout = small_layout()
    layout = dataclasses.replace(layout, hours=OpeningHours(8 * 60, 9 * 60))
    e = Engine(layout)
    e.run("open", NOW, window="w1")
    with pytest.raises(QueueError) as err:
        e.run("issue", NOW, service="A")  # 16:00 local
    assert err.value.code is ErrorCode.HALL_CLOSED


def test_print_confirmed_issue_and_failed_print_cancels():
    e = open_engine("w1")
    ok = issue(e, "A", NOW, confirm=True)
    failed = issue(e, "A", NOW + 1, confirm=True)
    assert e.tickets[ok].state is TicketState.ISSUED
    e.run("print_result", NOW + 2, ticket=ok, ok=True)
    e.run("print_result", NOW + 2, ticket=failed, ok=False, reason="paper_out")
    assert e.tickets[ok].state is TicketState.WAITING
    assert e.tickets[failed].state is TicketState.CANCELLED
    assert issue(e, "A", NOW + 3) == "A003"  # a cancelled number is never reused


def test_unconfirmed_print_becomes_waiting_so_no_ticket_is_lost():
    e = open_engine("w1")
    t = issue(e, "A", NOW, confirm=True)
    e.run("open", NOW + ISSUE_CONFIRM_TIMEOUT_S + 1, window="w2")
    assert e.tickets[t].state is TicketState.WAITING


def test_ratings_once_per_finished_ticket():
    e = open_engine("w1")
    t = issue(e, "A", NOW)
    with pytest.raises(QueueError):
        e.run("evaluate", NOW, ticket=t, score=5)  # not served yet
    call(e, "w1", NOW + 1)
    e.run("finish", NOW + 300, window="w1")
    e.run("evaluate", NOW + 301, ticket=t, score=4)
    with pytest.raises(QueueError) as err:
        e.run("evaluate", NOW + 302, ticket=t, score=1)
    assert err.value.code is ErrorCode.ALREADY_RATED
    assert e.windows["w1"].rating_count == 1


def test_estimate_uses_people_ahead_and_open_capacity():
    e = open_engine("w1")
    for i in range(4):
        issue(e, "A", NOW + i)
    ahead, est = e.estimate("A")
    # w1 serves A as primary (share 1); w2, w3 serve it as secondary (0.5 each): capacity 2
    assert ahead == 4 and est == pytest.approx(4 * 8 * 60 / 1.0)
    e.run("open", NOW, window="w2")
    e.run("open", NOW, window="w3")
    assert e.estimate("A")[1] == pytest.approx(4 * 8 * 60 / 2.0)


def test_manager_changes_window_services():
    e = open_engine("w1")
    issue(e, "A", NOW)
    e.run("set_services", NOW, window="w1", services={"B": "primary"})
    with pytest.raises(QueueError):
        e.run("call_next", NOW + 1, window="w1")
    with pytest.raises(QueueError) as err:
        e.run("set_services", NOW, window="w1", services={"Q": "primary"})
    assert err.value.code is ErrorCode.UNKNOWN_SERVICE


def test_a_print_failure_reported_late_still_voids_the_uncalled_ticket():
    e = open_engine("w1")
    t = issue(e, "A", NOW, confirm=True)
    other = issue(e, "A", NOW + 1, confirm=True)
    later = NOW + ISSUE_CONFIRM_TIMEOUT_S + 5
    e.run("open", later, window="w2")  # any command runs tick(): both unconfirmed -> waiting
    assert e.tickets[t].state is TicketState.WAITING and e.tickets[t].print_assumed
    e.run("print_result", later + 1, ticket=t, ok=False, reason="paper_out")
    assert e.tickets[t].state is TicketState.CANCELLED
    assert e.run("print_result", later + 2, ticket=other, ok=True) == []  # nothing to change
    assert call(e, "w1", later + 3) == other
    with pytest.raises(QueueError) as err:  # once called, too late to void
        e.run("print_result", later + 4, ticket=other, ok=False)
    assert err.value.code is ErrorCode.BAD_STATE
