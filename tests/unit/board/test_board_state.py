"""The board's state from typed payloads: the contract's structs are the whitelist."""

from board.state import BoardState
from hallq.contract import CalledEvent, Presence, PrinterPresence, ServiceState, WindowState, decode
from hallq.protocol import encode


def test_a_change_is_reported_once_and_unknown_fields_never_pass():
    s = BoardState()
    wire = {"window": "w1", "status": "open", "ticket": "A001", "citizen_name": "张三"}
    msg = decode(encode(wire), WindowState)  # as the state client decodes it
    change = s.apply("window", "w1", msg, 1.0)
    assert change is not None and change["kind"] == "windows" and change["key"] == "w1"
    data = change["data"]
    assert (data["window"], data["status"], data["ticket"]) == ("w1", "open", "A001")
    assert data["staff"] is None and data["services"] == {}  # the struct's defaults
    assert s.apply("window", "w1", msg, 2.0) is None
    assert "citizen_name" not in str(s.snapshot()) and "张三" not in str(s.snapshot())


def test_an_emptied_retained_topic_removes_the_entry():
    s = BoardState()
    s.apply("service", "SB", ServiceState(service="SB", waiting=1), 1.0)
    assert s.apply("service", "SB", None, 2.0) == {"kind": "services", "key": "SB", "data": None}
    assert s.snapshot()["services"] == {}


def test_presence_remembers_since_when_online_or_offline():
    s = BoardState(roles={"kiosk1": "kiosk"})
    ok = Presence(online=True, since=100.0, printer=PrinterPresence.OK)
    s.apply("presence", "kiosk1", ok, 150.0)
    assert s.devices["kiosk1"]["changed_at"] == 100.0 and s.devices["kiosk1"]["role"] == "kiosk"
    assert s.devices["kiosk1"]["printer"] == "ok"
    low = Presence(online=True, since=100.0, printer=PrinterPresence.PAPER_LOW)
    s.apply("presence", "kiosk1", low, 160.0)
    assert s.devices["kiosk1"]["changed_at"] == 100.0
    s.apply("presence", "kiosk1", Presence(online=False), 200.0)
    gone = s.devices["kiosk1"]
    assert (gone["online"], gone["printer"], gone["changed_at"]) == (False, None, 200.0)
    s.apply("presence", "kiosk1", Presence(online=False), 260.0)
    assert s.devices["kiosk1"]["changed_at"] == 200.0


def test_calls_keep_the_latest_first_and_are_bounded():
    s = BoardState(recent=3)
    for i in range(5):
        wire = {"ticket": f"A00{i}", "window": "w1", "at": float(i), "phone": "138"}
        s.apply("called", "called", decode(encode(wire), CalledEvent), 99.0)
    calls = s.snapshot()["calls"]
    assert [c["ticket"] for c in calls] == ["A004", "A003", "A002"]
    assert calls[0]["at"] == 4.0 and "phone" not in calls[0]


def test_a_call_without_its_time_is_stamped_on_arrival():
    s = BoardState()
    change = s.apply("called", "called", CalledEvent(ticket="A001", window="w1"), 42.0)
    assert change["kind"] == "call" and change["key"] == "w1" and change["data"]["at"] == 42.0


def test_a_call_carries_why_in_plain_words_zh_and_en():
    s = BoardState(priority_names={"elderly": ("老年人", "Elderly")})
    ahead = CalledEvent(
        ticket="A002", window="w1", reason_code="primary", priority_rule="share", priority="elderly"
    )
    assert s.apply("called", "called", ahead, 1.0)["data"]["why"] == [
        "优先: 老年人",
        "Priority: Elderly",
    ]
    overdue = CalledEvent(ticket="B001", window="w2", reason_code="secondary_overdue")
    assert s.apply("called", "called", overdue, 2.0)["data"]["why"][0] == "次要事项超时"
    recall = CalledEvent(ticket="B001", window="w2", recall=True)
    assert s.apply("called", "called", recall, 3.0)["data"]["why"] is None


def test_cases_in_progress_reach_managers_only():
    from board.views import public_message, public_snapshot
    from hallq.contract import CasesState

    s = BoardState()
    wire = {
        "cases": [
            {
                "ticket": "D001",
                "matter": "birth",
                "matter_name": "新生儿出生一件事",
                "step": 2,
                "steps": 4,
                "state": "waiting",
                "service": "rs01",
                "issued_at": 100.0,
                "phone": "13800000000",
            }
        ]
    }
    change = s.apply("cases", "cases", decode(encode(wire), CasesState), 1.0)
    assert change is not None and change["kind"] == "cases"
    (case,) = s.snapshot()["cases"]
    assert (case["ticket"], case["step"], case["steps"]) == ("D001", 2, 4)
    assert "13800000000" not in str(s.snapshot())  # a field the contract lacks never passes
    assert "cases" not in public_snapshot({"type": "snapshot", **s.snapshot()})
    assert public_message({"type": "change", **change}) is None
    assert s.apply("cases", "cases", decode(encode(wire), CasesState), 2.0) is None


def test_joint_reviews_reach_managers_only():
    from board.views import public_message, public_snapshot
    from hallq.contract import JointState

    s = BoardState()
    part = {"department": "rs", "window": "w1", "summoned_at": 100.0, "id_card": "110101"}
    wire = {"reviews": [{"review": "J001", "ticket": "D001", "room": "r1", "parts": [part]}]}
    change = s.apply("joint", "joint", decode(encode(wire), JointState), 1.0)
    assert change is not None and change["kind"] == "joint"
    (review,) = s.snapshot()["joint"]
    assert (review["review"], review["parts"][0]["window"]) == ("J001", "w1")
    assert "110101" not in str(s.snapshot())  # a field the contract lacks never passes
    assert "joint" not in public_snapshot({"type": "snapshot", **s.snapshot()})
    assert public_message({"type": "change", **change}) is None
