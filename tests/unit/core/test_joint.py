"""Joint review (联审联批): departments summoned to a room for one ticket, one rule per test."""

import pytest
from layouts import NOW, joint_layout

from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.joint import joint_view, summons_view
from hallq.core.model import EventKind, JointStatus, TicketState

ALL = ["rs", "yb", "zh"]


def hall(*windows: str) -> Engine:
    e = Engine(joint_layout())
    for w in windows or ("w1", "w2", "w3"):
        e.run("open", NOW, window=w)
    return e


def case_at_w1(e: Engine) -> str:
    n = e.run("issue_case", NOW, matter="birth")[-1].data["ticket"]
    e.run("call", NOW + 5, window="w1", ticket=n)
    return n


def kinds(events) -> list[str]:
    return [ev.kind for ev in events]


def test_a_counter_opens_a_review_the_others_confirm_and_the_citizen_is_called_to_the_room():
    e = hall()
    n = case_at_w1(e)
    opened = e.run("joint_open", NOW + 10, ticket=n, room="r1", departments=ALL, window="w1")[-1]
    r = e.joint[opened.data["review"]]
    assert r.windows == ["w1", "w2", "w3"] and r.status is JointStatus.SUMMONING
    t = e.tickets[n]
    assert t.state is TicketState.HELD and t.joint == r.id and e.windows["w1"].ticket is None
    assert r.part("w1").confirmed_at == NOW + 10  # the opener stands for its department
    assert summons_view(e, "w2")["confirmed"] is False
    assert kinds(e.run("joint_confirm", NOW + 20, review=r.id, window="w2")) == [
        EventKind.JOINT_CONFIRMED
    ]
    last = e.run("joint_confirm", NOW + 70, review=r.id, window="w3")
    assert kinds(last) == [EventKind.JOINT_CONFIRMED, EventKind.JOINT_CALLED]
    assert r.status is JointStatus.CALLED and t.calls == 2
    view = joint_view(e, r, NOW + 100)
    assert view["room_name"] == "第一联审室"
    assert [p["department_name"] for p in view["parts"]] == ["人社", "医保", "综合"]
    assert [p["confirmed_at"] for p in view["parts"]] == [NOW + 10, NOW + 20, NOW + 70]


def test_closing_done_finishes_the_visit_and_the_case_moves_on():
    e = hall()
    n = case_at_w1(e)
    rid = e.run("joint_open", NOW + 10, ticket=n, room="r1", departments=ALL, window="w1")
    rid = rid[-1].data["review"]
    for w in ("w2", "w3"):
        e.run("joint_confirm", NOW + 20, review=rid, window=w)
    closed = e.run("joint_close", NOW + 600, review=rid, outcome="done", by="w1")
    assert kinds(closed) == [
        EventKind.JOINT_CLOSED,
        EventKind.TICKET_FINISHED,
        EventKind.CASE_MOVED,
    ]
    t, r = e.tickets[n], e.joint[rid]
    assert t.state is TicketState.WAITING and t.service in ("B", "C") and t.joint is None
    assert e.cases[n].steps[0].window == "w1"
    assert not e.durations["A"]  # the review's 10 minutes are not service time of A
    assert [p["time_s"] for p in joint_view(e, r, NOW + 9999)["parts"]] == [590, 590, 590]
    assert summons_view(e, "w2") is None  # free again


def test_closing_back_leaves_the_ticket_held_for_a_call_by_number():
    e = hall()
    n = case_at_w1(e)
    rid = e.run("joint_open", NOW + 10, ticket=n, room="r1", departments=["yb"], window="w1")
    rid = rid[-1].data["review"]
    with pytest.raises(QueueError, match="close it first"):
        e.run("call", NOW + 11, window="w1", ticket=n)
    e.run("joint_close", NOW + 12, review=rid, outcome="back")
    assert e.tickets[n].state is TicketState.HELD
    assert e.run("call", NOW + 13, window="w1", ticket=n)[-1].data["ticket"] == n


def test_the_next_free_window_of_a_department_is_summoned():
    e = hall("w1", "w2", "w3", "w4")
    busy = e.run("issue", NOW, service="A")[-1].data["ticket"]
    e.run("call", NOW + 1, window="w1", ticket=busy)
    n = e.run("issue", NOW + 2, service="B")[-1].data["ticket"]
    opened = e.run("joint_open", NOW + 3, ticket=n, room="r2", departments=["rs"], by="board")
    assert opened[-1].data["windows"] == ["w4"]  # w1 is busy, w4 is free


def test_with_every_window_busy_the_one_serving_longest_is_summoned_and_confirms_when_done():
    e = hall("w1", "w2", "w4")
    for w, at in (("w4", NOW + 1), ("w1", NOW + 2)):
        t = e.run("issue", at, service="A")[-1].data["ticket"]
        e.run("call", at, window=w, ticket=t)
    n = e.run("issue", NOW + 3, service="B")[-1].data["ticket"]
    rid = e.run("joint_open", NOW + 4, ticket=n, room="r1", departments=["rs"], by="board")
    rid = rid[-1].data["review"]
    assert e.joint[rid].windows == ["w4"]
    with pytest.raises(QueueError, match="finish A001 at w4 first"):
        e.run("joint_confirm", NOW + 5, review=rid, window="w4")
    e.run("finish", NOW + 6, window="w4")
    assert kinds(e.run("joint_confirm", NOW + 7, review=rid, window="w4"))[-1] == (
        EventKind.JOINT_CALLED
    )


def test_a_named_staff_member_is_summoned_wherever_signed_in():
    e = hall("w1", "w2")
    e.run("open", NOW, window="w4", staff="zhang3")
    n = e.run("issue", NOW + 1, service="B")[-1].data["ticket"]
    opened = e.run(
        "joint_open",
        NOW + 2,
        ticket=n,
        room="r1",
        departments=["rs"],
        staff={"rs": "zhang3"},
        by="board",
    )
    assert opened[-1].data["windows"] == ["w4"]


def test_a_window_at_one_review_is_not_summoned_to_another():
    e = hall("w1", "w2")
    a = e.run("issue", NOW, service="B")[-1].data["ticket"]
    b = e.run("issue", NOW, service="B")[-1].data["ticket"]
    e.run("joint_open", NOW + 1, ticket=a, room="r1", departments=["rs"], by="board")
    with pytest.raises(QueueError) as exc:
        e.run("joint_open", NOW + 2, ticket=b, room="r2", departments=["rs"], by="board")
    assert exc.value.code is ErrorCode.NO_OPEN_WINDOW


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ({"room": "nope"}, ErrorCode.UNKNOWN_ROOM, "nope"),
        ({"departments": ["xx"]}, ErrorCode.UNKNOWN_DEPARTMENT, "xx"),
        ({"departments": ["rs", "rs"]}, ErrorCode.BAD_PAYLOAD, "once"),
        ({"departments": []}, ErrorCode.BAD_PAYLOAD, "at least one"),
        ({"ticket": "Z999"}, ErrorCode.UNKNOWN_TICKET, "Z999"),
        ({"staff": {"rs": "nobody"}}, ErrorCode.NO_OPEN_WINDOW, "nobody"),
    ],
)
def test_bad_openings_are_refused_clearly(args, code, says):
    e = hall()
    n = e.run("issue", NOW, service="A")[-1].data["ticket"]
    kwargs = {"ticket": n, "room": "r1", "departments": ["rs"], "by": "board", **args}
    with pytest.raises(QueueError) as exc:
        e.decide_joint_open(now=NOW + 1, **kwargs)
    assert exc.value.code is code and says in exc.value.message


def test_a_department_without_an_open_window_is_refused():
    e = hall("w1")
    n = e.run("issue", NOW, service="A")[-1].data["ticket"]
    with pytest.raises(QueueError, match="department yb has no open window"):
        e.run("joint_open", NOW, ticket=n, room="r1", departments=["yb"], by="board")


def test_confirm_and_close_refusals():
    e = hall()
    n = case_at_w1(e)
    rid = e.run("joint_open", NOW, ticket=n, room="r1", departments=["rs", "yb"], window="w1")
    rid = rid[-1].data["review"]
    with pytest.raises(QueueError) as exc:
        e.run("joint_confirm", NOW, review=rid, window="w3")
    assert exc.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(QueueError, match="not every department confirmed"):
        e.run("joint_close", NOW, review=rid, outcome="done")
    with pytest.raises(QueueError) as exc:
        e.run("joint_confirm", NOW, review="J999", window="w2")
    assert exc.value.code is ErrorCode.UNKNOWN_REVIEW
    with pytest.raises(QueueError, match="already in joint review"):
        e.run("joint_open", NOW, ticket=n, room="r2", departments=["zh"], by="board")
    e.run("joint_confirm", NOW, review=rid, window="w2")
    with pytest.raises(QueueError, match="confirmed"):
        e.run("joint_confirm", NOW, review=rid, window="w2")


def test_replay_rebuilds_the_reviews():
    e = hall()
    n = case_at_w1(e)
    log = []
    log += e.run("joint_open", NOW, ticket=n, room="r1", departments=ALL, window="w1")
    rid = log[-1].data["review"]
    log += e.run("joint_confirm", NOW + 1, review=rid, window="w2")
    again = Engine(joint_layout())
    for w in ("w1", "w2", "w3"):
        again.run("open", NOW, window=w)
    again.run("issue_case", NOW, matter="birth")
    again.run("call", NOW + 5, window="w1", ticket=n)
    again.apply_all(log)
    assert again.joint == e.joint and again.tickets[n] == e.tickets[n]


def permit_hall(*windows: str) -> Engine:
    """joint_layout with a matter whose second stage (service C) is a joint review."""
    from dataclasses import replace

    from hallq.core.model import MatterSpec

    base = joint_layout()
    permit = MatterSpec(
        "permit", "施工许可", "Permit", (("A",), ("C",), ("B",)), joint={1: ("r1", ("yb", "zh"))}
    )
    e = Engine(replace(base, matters={**base.matters, "permit": permit}))
    for w in windows or ("w1", "w2", "w3"):
        e.run("open", NOW, window=w)
    return e


def test_a_matter_s_joint_stage_opens_its_review_when_the_case_gets_there():
    e = permit_hall()
    n = e.run("issue_case", NOW, matter="permit")[-1].data["ticket"]
    e.run("call_next", NOW + 10, window="w1")
    moved = e.run("finish", NOW + 100, window="w1")
    assert kinds(moved) == [
        EventKind.TICKET_FINISHED,
        EventKind.CASE_MOVED,
        EventKind.JOINT_OPENED,
    ]
    r = e.joint[moved[-1].data["review"]]
    assert (r.room, r.windows, r.by) == ("r1", ["w2", "w3"], "matter:permit")
    assert e.tickets[n].state is TicketState.HELD and e.tickets[n].service == "C"
    for w in ("w2", "w3"):
        e.run("joint_confirm", NOW + 120, review=r.id, window=w)
    closed = e.run("joint_close", NOW + 900, review=r.id, by="w2")
    assert closed[-1].kind == EventKind.CASE_MOVED and closed[-1].data["to"] == "B"
    assert [s.slot for s in e.cases[n].steps] == ["A", "C"]


def test_a_joint_stage_without_an_open_window_waits_in_its_queue():
    e = permit_hall("w1", "w2")  # nobody of 综合 (zh) signed in
    n = e.run("issue_case", NOW, matter="permit")[-1].data["ticket"]
    e.run("call_next", NOW + 10, window="w1")
    moved = e.run("finish", NOW + 100, window="w1")
    assert moved[-1].kind == EventKind.CASE_MOVED and not e.joint
    assert e.tickets[n].state is TicketState.WAITING and e.tickets[n].service == "C"
