"""Cases (一件事): one ticket moving through a matter's stages, one behaviour per test."""

import pytest
from layouts import NOW, matter_layout

from hallq.core.case_views import case_view, cases_in_progress
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import EventKind, StageRule, TicketState


def open_engine(*windows: str, run: int = 2) -> Engine:
    e = Engine(matter_layout(run=run))
    for w in windows or ("w1", "w2", "w3"):
        e.run("open", NOW, window=w)
    return e


def issue_case(e: Engine, matter: str, at: float = NOW) -> str:
    events = e.run("issue_case", at, matter=matter)
    assert events[-1].kind == EventKind.CASE_OPENED
    return events[-1].data["ticket"]


def kinds(events) -> list[str]:
    return [ev.kind for ev in events]


def test_a_case_moves_through_every_stage_with_one_number():
    e = open_engine("w1", "w2")
    n = issue_case(e, "birth")
    assert e.tickets[n].service == "A" and e.cases[n].stage == 0
    assert e.run("call_next", NOW + 10, window="w1")[-1].data["ticket"] == n
    moved = e.run("finish", NOW + 20, window="w1")
    assert kinds(moved) == [EventKind.TICKET_FINISHED, EventKind.CASE_MOVED]
    t = e.tickets[n]
    assert (t.state, t.service, t.continuing) == (TicketState.WAITING, "B", True)
    assert t in e.waiting["B"] and e.cases[n].stage == 1
    for code in ("B", "C"):  # the group: B and C, both at w2, in any order
        called = e.run("call_next", NOW + 30, window="w2")[-1]
        assert (called.data["ticket"], called.data["service"]) == (n, code)
        e.run("finish", NOW + 40, window="w2")
    assert e.tickets[n].service == "A"  # the last stage: back to A
    e.run("call_next", NOW + 50, window="w1")
    done = e.run("finish", NOW + 60, window="w1")
    assert kinds(done) == [EventKind.TICKET_FINISHED, EventKind.CASE_COMPLETED]
    assert e.tickets[n].state is TicketState.DONE
    steps = [(s.stage, s.slot) for s in e.cases[n].steps]
    assert steps == [(0, "A"), (1, "B"), (1, "C"), (2, "A")]
    assert [v["status"] for v in case_view(e, n, NOW + 60)["visits"]] == ["done"] * 4


def test_a_group_goes_to_the_service_with_fewer_waiting():
    e = open_engine("w1", "w2", "w3")
    e.run("issue", NOW, service="B")  # one waits for B, none for C
    n = issue_case(e, "birth")
    e.run("call", NOW + 1, window="w1", ticket=n)
    e.run("finish", NOW + 2, window="w1")
    assert e.tickets[n].service == "C"


def test_continuing_cases_go_ahead_but_new_arrivals_get_their_turn():
    e = open_engine("w1", "w2", run=2)
    cases = [issue_case(e, "birth", NOW + i) for i in range(3)]
    for i, n in enumerate(cases):  # each done at A: now continuing at B or C
        e.run("call", NOW + 10 + i, window="w1", ticket=n)
        e.run("finish", NOW + 11 + i, window="w1")
    fresh = [e.run("issue", NOW + 1, service="B")[-1].data["ticket"] for _ in range(2)]
    rules, order = [], []
    for i in range(5):
        ev = e.run("call_next", NOW + 100 + i, window="w2")[-1]
        order.append(ev.data["ticket"])
        rules.append(ev.data["stage_rule"])
    # B and C hold 3 continuing cases and 2 new arrivals (older than the cases' moves)
    assert order[:2] == cases[:2] and order[2] == fresh[0]
    assert rules[:3] == [StageRule.CONTINUING, StageRule.CONTINUING, StageRule.FRESH_TURN]
    assert "new arrival's turn" in e.tickets[fresh[0]].reason


def test_run_zero_puts_a_moving_case_at_the_back():
    e = open_engine("w1", "w2", run=0)
    n = issue_case(e, "birth")
    e.run("call", NOW + 1, window="w1", ticket=n)
    older = e.run("issue", NOW + 2, service="B")[-1].data["ticket"]
    e.run("finish", NOW + 3, window="w1")
    e.run("issue", NOW + 4, service="C")
    called = e.run("call_next", NOW + 5, window="w2")[-1].data
    assert called["ticket"] == older and called["stage_rule"] is None


def test_a_no_show_holds_the_case_for_recall():
    e = open_engine("w1", "w2")
    n = issue_case(e, "birth")
    e.run("call_next", NOW + 1, window="w1")
    held = e.run("no_show", NOW + 2, window="w1")
    assert kinds(held) == [EventKind.TICKET_HELD] and held[0].data["no_show"]
    assert e.tickets[n].state is TicketState.HELD
    e.run("call", NOW + 3, window="w1", ticket=n)
    e.run("finish", NOW + 4, window="w1")
    assert e.tickets[n].state is TicketState.WAITING and e.cases[n].stage == 1


def test_transfer_keeps_the_stage_and_cancel_ends_the_case():
    e = open_engine("w1", "w2", "w3")
    n = issue_case(e, "birth")
    e.run("call_next", NOW + 1, window="w1")
    e.run("transfer", NOW + 2, window="w1", service="C")  # wrong desk: C does this visit
    e.run("call_next", NOW + 3, window="w3")
    e.run("finish", NOW + 4, window="w3")
    step = e.cases[n].steps[0]
    assert (step.stage, step.slot, step.service) == (0, "A", "C")
    assert e.cases[n].stage == 1
    e.run("cancel", NOW + 5, ticket=n)
    assert e.tickets[n].state is TicketState.CANCELLED
    assert all(t.number != n for q in e.waiting.values() for t in q)
    assert cases_in_progress(e, NOW + 6) == []


def test_one_window_waits_for_a_window_serving_the_whole_matter():
    e = open_engine("w1", "w3")  # w3 serves C and B (secondary): the whole matter
    n = issue_case(e, "desk")
    assert e.tickets[n].service == "B"
    e.run("open", NOW + 1, window="w2")
    e.run("pause", NOW + 1, window="w2")
    with pytest.raises(QueueError):
        e.run("call_next", NOW + 2, window="w1")  # w1 serves neither
    assert e.run("call_next", NOW + 3, window="w3")[-1].data["ticket"] == n
    done = e.run("finish", NOW + 4, window="w3")
    assert kinds(done) == [EventKind.TICKET_FINISHED, EventKind.CASE_COMPLETED]
    assert [(s.slot, s.window) for s in e.cases[n].steps] == [("B", "w3"), ("C", "w3")]


def test_unknown_matter_is_refused_with_its_own_code():
    e = open_engine()
    with pytest.raises(QueueError) as err:
        e.run("issue_case", NOW, matter="nope")
    assert err.value.code is ErrorCode.UNKNOWN_MATTER
    assert e.tickets == {}


def test_wait_of_a_continuing_call_counts_from_its_move():
    e = open_engine("w1", "w2")
    n = issue_case(e, "birth")
    e.run("call_next", NOW + 600, window="w1")
    e.run("finish", NOW + 900, window="w1")
    called = e.run("call_next", NOW + 960, window="w2")[-1]
    assert called.data["ticket"] == n and called.data["wait_s"] == 60


def test_the_board_lists_cases_in_progress_without_their_visits():
    e = open_engine("w1", "w2")
    n = issue_case(e, "birth")
    (view,) = cases_in_progress(e, NOW + 30)
    assert (view["ticket"], view["step"], view["steps"], view["issued_at"]) == (n, 1, 4, NOW)
    assert "visits" not in view and "elapsed_s" not in view  # retained: no clock in it
    assert case_view(e, n, NOW + 30)["elapsed_s"] == 30
