"""The public view hides who works where, the devices, the advice and the alerts."""

import msgspec

from board.views import (
    MANAGER_HALL_FIELDS,
    PUBLIC_CALL_FIELDS,
    PUBLIC_WINDOW_FIELDS,
    public_message,
    public_snapshot,
)
from hallq.contract import CalledEvent, HallState, WindowState, to_builtins

WINDOW = {
    "window": "w1",
    "name": "1号窗口",
    "status": "open",
    "staff": "S07",
    "since": 1.0,
    "pause_reason": "lunch",
    "ticket": "A001",
    "service": "SB",
    "called_at": 5.0,
    "served_today": 3,
    "rating_avg": 4.5,
    "services": {"SB": "primary"},
}
SNAP = {
    "type": "snapshot",
    "now": 10.0,
    "mqtt": True,
    "info": {"hall": "大厅"},
    "windows": {"w1": WINDOW},
    "services": {"SB": {"service": "SB", "waiting": 4, "est_wait_s": 600}},
    "devices": {"kiosk1": {"online": True, "role": "kiosk", "printer": "paper_out"}},
    "hall": {"waiting": 4},
    "calls": [{"ticket": "A001", "window": "w1"}],
    "advice": {"pools": []},
    "alerts": [{"kind": "printer"}],
    "staffing": {"moves": []},
}


def test_the_public_snapshot_keeps_queues_and_calls_only():
    pub = public_snapshot(SNAP)
    assert set(pub) == {"type", "now", "mqtt", "info", "windows", "services", "hall", "calls"}
    assert pub["windows"]["w1"] == {
        "window": "w1",
        "name": "1号窗口",
        "status": "open",
        "ticket": "A001",
        "service": "SB",
        "called_at": 5.0,
    }
    assert pub["services"] == SNAP["services"] and pub["calls"] == SNAP["calls"]
    assert "S07" not in str(pub) and "kiosk1" not in str(pub)


def test_public_stream_messages():
    window = {"type": "change", "kind": "windows", "key": "w1", "data": WINDOW}
    assert public_message(window)["data"]["ticket"] == "A001"
    assert "staff" not in public_message(window)["data"]
    gone = {"type": "change", "kind": "windows", "key": "w1", "data": None}
    assert public_message(gone) == gone
    for kind in ("devices", "advice"):
        assert public_message({"type": "change", "kind": kind, "key": "", "data": {}}) is None
    assert public_message({"type": "alerts", "alerts": [], "staffing": None}) is None
    call = {"type": "change", "kind": "call", "key": "w1", "data": {"ticket": "A001"}}
    assert public_message(call) == call
    assert public_message({"type": "link", "mqtt": False}) == {"type": "link", "mqtt": False}


def test_the_public_field_lists_name_real_contract_fields():
    """A renamed field would otherwise silently vanish from (or stay out of) the public view."""
    assert set(PUBLIC_WINDOW_FIELDS) <= {f.name for f in msgspec.structs.fields(WindowState)}
    assert set(MANAGER_HALL_FIELDS) <= {f.name for f in msgspec.structs.fields(HallState)}


def test_the_services_start_up_faults_are_for_managers_only():
    hall = to_builtins(HallState(hall="h1", waiting=4, replay_faults=[]))
    change = {"type": "change", "kind": "hall", "key": "", "data": hall}
    assert public_message(change)["data"]["waiting"] == 4
    assert "replay_faults" not in public_message(change)["data"]
    assert "replay_faults" not in public_snapshot({**SNAP, "hall": hall})["hall"]


def test_the_public_never_sees_why_a_ticket_was_called():
    """A priority rule or class next to a ticket number says who is elderly or disabled."""
    call = to_builtins(
        CalledEvent(
            ticket="A002",
            window="w1",
            reason="priority elderly (1 per 2 normal); primary SB, longest wait 5 min",
            reason_code="primary",
            priority_rule="share",
            priority="elderly",
            wait_s=300,
        )
    ) | {"why": ["优先: 老年人", "Priority: Elderly"]}
    assert set(PUBLIC_CALL_FIELDS) <= set(call)  # every public field is a real field
    shown = public_message({"type": "change", "kind": "call", "key": "w1", "data": call})
    snap = public_snapshot({**SNAP, "calls": [call]})
    for public in (shown["data"], snap["calls"][0]):
        assert public["ticket"] == "A002" and public["window"] == "w1"
        assert not {"why", "reason", "reason_code", "priority_rule", "priority", "wait_s"} & set(
            public
        )
