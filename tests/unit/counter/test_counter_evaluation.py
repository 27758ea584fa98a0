"""The evaluator asks for exactly the finished ticket, once, and records timeouts locally."""

from __future__ import annotations

import msgspec
from counter_fakes import FakeClock, FakeSender, feeding

from counter.evaluation import EvaluationController, Outcome
from hallq.contract import WindowState


def state(ticket: str | None, served: int, ticket_state: str | None = "serving") -> bytes:
    return msgspec.json.encode(
        {
            "window": "w1",
            "status": "open",
            "ticket": ticket,
            "served_today": served,
            "ticket_state": ticket_state if ticket else None,
        }
    )


def make() -> tuple[EvaluationController, FakeSender, FakeClock, list[str]]:
    sender, clock = FakeSender(), FakeClock()
    e = EvaluationController("w1", sender, timeout_s=30, clock=clock)
    asked: list[str] = []
    e.when_ask = asked.append
    e.on_connection(True)
    return e, sender, clock, asked


def test_finish_asks_for_that_ticket_and_a_score_is_sent_once() -> None:
    e, sender, _, asked = make()
    feeding(e.on_window_state, WindowState)(state("A001", 0))
    feeding(e.on_window_state, WindowState)(state(None, 1))
    assert asked == ["A001"] and e.asking == "A001"
    assert e.rate(5).outcome is Outcome.RATED
    assert e.rate(4) is None  # a second press rates nothing
    assert sender.sent == [("evaluate", {"ticket": "A001", "score": 5})]


def test_call_next_straight_after_serving_still_asks_for_the_previous_ticket() -> None:
    e, _, _, asked = make()
    feeding(e.on_window_state, WindowState)(state("A001", 4))
    feeding(e.on_window_state, WindowState)(state("A002", 5, "called"))
    assert asked == ["A001"]


def test_no_show_hold_or_transfer_asks_nothing() -> None:
    e, _, _, asked = make()
    feeding(e.on_window_state, WindowState)(state("A001", 2, "called"))
    feeding(e.on_window_state, WindowState)(state(None, 2))
    assert asked == [] and e.asking is None


def test_first_state_after_connecting_is_only_a_baseline() -> None:
    e, _, _, asked = make()
    feeding(e.on_window_state, WindowState)(state("A001", 3))
    e.on_connection(False)
    e.on_connection(True)
    feeding(e.on_window_state, WindowState)(state(None, 7))
    assert asked == []


def test_timeout_records_not_rated_and_late_press_sends_nothing() -> None:
    e, sender, clock, _ = make()
    feeding(e.on_window_state, WindowState)(state("A001", 0))
    feeding(e.on_window_state, WindowState)(state(None, 1))
    clock.now += 29
    assert e.tick() is None
    clock.now += 2
    assert e.tick().outcome is Outcome.NOT_RATED
    assert e.rate(1) is None and sender.sent == []
    assert e.records[-1].ticket == "A001"


def test_next_finish_before_a_rating_marks_the_first_not_rated() -> None:
    e, _, _, asked = make()
    for ticket, served in (("A001", 0), ("A002", 1), (None, 2)):
        feeding(e.on_window_state, WindowState)(state(ticket, served))
    assert asked == ["A001", "A002"]
    assert [(r.ticket, r.outcome) for r in e.records] == [("A001", Outcome.NOT_RATED)]


def test_already_rated_and_offline_are_recorded() -> None:
    e, sender, _, _ = make()
    sender.errors["evaluate"] = "already_rated"
    feeding(e.on_window_state, WindowState)(state("A001", 0))
    feeding(e.on_window_state, WindowState)(state(None, 1))
    assert e.rate(3).outcome is Outcome.REFUSED
    sender.online = False
    feeding(e.on_window_state, WindowState)(state("A002", 1))
    feeding(e.on_window_state, WindowState)(state(None, 2))
    assert e.rate(3).outcome is Outcome.NOT_SENT


def test_the_thank_you_gives_way_to_the_welcome_after_a_few_seconds() -> None:
    e, _, clock, _ = make()
    idle: list[bool] = []
    e.when_idle = lambda: idle.append(True)
    feeding(e.on_window_state, WindowState)(state("A001", 0))
    feeding(e.on_window_state, WindowState)(state(None, 1))
    e.rate(5)  # the screen thanks the citizen now
    clock.now += e.thanks_s - 0.5
    e.tick()
    assert idle == []
    clock.now += 1
    e.tick()
    e.tick()
    assert idle == [True]  # once, long before the next ticket


def test_a_new_question_cancels_the_pending_return_to_idle() -> None:
    e, _, clock, asked = make()
    idle: list[bool] = []
    e.when_idle = lambda: idle.append(True)
    feeding(e.on_window_state, WindowState)(state("A001", 0))
    feeding(e.on_window_state, WindowState)(state("A002", 1))
    e.rate(4)
    feeding(e.on_window_state, WindowState)(state("A003", 2))  # A002 finished at once
    clock.now += e.thanks_s + 1
    e.tick()
    assert asked == ["A001", "A002"] and idle == []  # still asking about A002
