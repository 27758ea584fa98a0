"""Joint review (联审联批) through the service's command path, without MQTT: typed replies,
what the counters, the wall and the board are told, role checks and clear errors."""

import pytest
from test_matters import open_all, retained, send, sent

from hallq import contract as c
from hallq.protocol import encode


@pytest.fixture
def service(matters_service):
    """The matters hall's service on a FakeLink (tests/unit/broker/conftest.py)."""
    return matters_service


def case_at_w4(s) -> str:
    open_all(s)
    ticket = send(s, "kiosk1", id="k1", op="issue", matter="birth")["ticket"]
    assert send(s, "counter4", id="c4", op="call_next")["ticket"] == ticket
    return ticket


def typed(reply):
    return c.decode_reply(encode(reply))


def window(link, s, w) -> c.WindowState:
    return retained(link, s.topics.window(w), c.WindowState)


def test_three_departments_summoned_confirm_and_the_citizen_is_called_to_the_room(service):
    s, link = service
    ticket = case_at_w4(s)
    opened = typed(
        send(
            s,
            "counter4",
            id="j1",
            op="joint_open",
            ticket=ticket,
            room="r1",
            departments=["hz", "rs", "bdc"],
        )
    )
    assert isinstance(opened, c.JointOpenOk) and opened.windows == ["w4", "w1", "w2"]
    assert not opened.called and opened.review == "J001"
    summons = window(link, s, "w1").summons
    assert summons.room_name == "第一联审室" and summons.ticket == ticket
    assert not summons.confirmed and window(link, s, "w4").summons.confirmed
    assert window(link, s, "w3").summons is None
    first = typed(send(s, "counter1", id="j2", op="joint_confirm", review="J001"))
    assert isinstance(first, c.JointConfirmOk) and not first.called
    last = typed(send(s, "counter2", id="j3", op="joint_confirm", review="J001"))
    assert last.called
    call = sent(link, s.topics.event("called"), c.CalledEvent)[-1]
    assert (call.ticket, call.window, call.window_name, call.zone) == (
        ticket,
        "r1",
        "第一联审室",
        "F1",
    )
    assert call.review == "J001" and call.matter == "birth" and call.step == 1
    board = retained(link, s.topics.joint, c.JointState).reviews[0]
    assert board.status == "called" and [p.department for p in board.parts] == ["hz", "rs", "bdc"]
    assert all(p.confirmed_at is not None for p in board.parts)
    cases = retained(link, s.topics.cases, c.CasesState).cases
    assert cases[0].review == "J001" and cases[0].room_name == "第一联审室"
    closed = typed(send(s, "counter4", id="j4", op="joint_close", review="J001"))
    assert isinstance(closed, c.JointCloseOk) and closed.to == "rs01"
    left = sent(link, s.topics.event("finished"), c.FinishedEvent)[-1]
    assert left.ticket == ticket and left.to == "rs01"
    assert window(link, s, "w1").summons is None
    assert retained(link, s.topics.joint, c.JointState).reviews[0].status == "closed"


def test_a_manager_opens_a_review_for_any_ticket_and_closes_it(service):
    s, _ = service
    open_all(s)
    ticket = send(s, "kiosk1", id="k", op="issue", service="bdc02")["ticket"]
    r = send(
        s,
        "board",
        id="b1",
        op="joint_open",
        ticket=ticket,
        room="r2",
        departments=["rs"],
        by="王经理",
    )
    assert r["ok"] and r["windows"] == ["w1"]
    assert send(s, "board", id="b2", op="joint_confirm", review="J001", window="w1")["called"]
    back = send(s, "board", id="b3", op="joint_close", review="J001", outcome="back")
    assert back["ok"] and back["outcome"] == "back"
    assert s.engine.tickets[ticket].state == "held"


@pytest.mark.parametrize(
    ("device", "payload", "code", "says"),
    [
        ("kiosk1", {"op": "joint_open", "room": "r1", "departments": ["rs"]}, "forbidden", "kiosk"),
        (
            "counter3",
            {"op": "joint_open", "room": "r1", "departments": ["rs"]},
            "forbidden",
            "w3 does not serve hz01",
        ),
        (
            "counter4",
            {"op": "joint_open", "room": "r9", "departments": ["rs"]},
            "unknown_room",
            "r9",
        ),
        (
            "counter4",
            {"op": "joint_open", "room": "r1", "departments": ["xx"]},
            "unknown_department",
            "xx",
        ),
        (
            "counter4",
            {"op": "joint_open", "room": "r1", "departments": []},
            "bad_payload",
            "departments",
        ),
        (
            "counter4",
            {"op": "joint_open", "room": "r1", "departments": ["rs"], "x": 1},
            "bad_payload",
            "x",
        ),
        ("counter4", {"op": "joint_confirm", "review": "J404"}, "unknown_review", "J404"),
        (
            "counter4",
            {"op": "joint_close", "review": "J1", "outcome": "maybe"},
            "bad_payload",
            "outcome",
        ),
    ],
)
def test_refusals_are_clear_and_change_nothing(service, device, payload, code, says):
    s, _ = service
    ticket = case_at_w4(s)
    before = s.store.count()
    if payload["op"] == "joint_open":
        payload = {"ticket": ticket, **payload}
    r = send(s, device, id="x", **payload)
    assert not r["ok"] and r["error"] == code and says in r["message"], r
    assert s.store.count() == before  # a refusal stores no event
    assert s.engine.joint == {}


def test_only_the_opener_or_a_summoned_window_confirms_or_closes(service):
    s, _ = service
    ticket = case_at_w4(s)
    send(s, "counter4", id="j", op="joint_open", ticket=ticket, room="r1", departments=["rs"])
    r = send(s, "counter3", id="a", op="joint_confirm", review="J001")
    assert r["error"] == "forbidden" and "not summoned" in r["message"]
    r = send(s, "counter3", id="b", op="joint_close", review="J001")
    assert r["error"] == "forbidden" and "not at joint review" in r["message"]
    r = send(s, "counter4", id="c", op="joint_close", review="J001")
    assert r["error"] == "bad_state" and "not every department confirmed" in r["message"]
