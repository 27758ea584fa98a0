"""帮办代办 on the board: agency actions are checked like every manager action, and door-step
requests (上门服务) keep their place (an address) in the board's own file, out of the logs."""

import logging
import stat

import pytest

from board.actions import ActionRefused, build_command
from board.doorstep import DoorstepRefused, Doorsteps, Status

PLACE = "幸福路18号3单元502"


def test_a_manager_has_a_desk_take_a_case_signed():
    op, fields = build_command({"op": "agency_take", "ticket": "D001", "window": "w9"}, "王经理")
    assert op == "agency_take" and fields == {"ticket": "D001", "window": "w9", "by": "王经理"}
    body = {"op": "agency_take", "matter": "birth", "window": "w9", "agent": "帮办员李"}
    assert build_command(body, "m")[1]["agent"] == "帮办员李"
    assert build_command({"op": "agency_release", "ticket": "D001"}, "m")[1] == {
        "ticket": "D001",
        "by": "m",
    }


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"op": "agency_take", "window": "w9"}, "exactly one"),
        ({"op": "agency_take", "ticket": "D001", "matter": "birth", "window": "w9"}, "exactly"),
        ({"op": "agency_take", "ticket": "D001", "window": "w9", "agent": "138 0013"}, "agent"),
    ],
)
def test_bad_agency_actions_are_refused_with_the_reason(body, says):
    with pytest.raises(ActionRefused, match=says):
        build_command(body, "m")


def test_door_step_requests_are_kept_private_and_closed_once(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    d = Doorsteps(tmp_path / "board-doorstep.sqlite")
    r = d.add("wang", 100.0, what="退休一件事", place=PLACE, wanted="周三上午", note="行动不便")
    assert (r.id, r.place, r.status) == (1, PLACE, Status.OPEN)
    assert stat.S_IMODE((tmp_path / "board-doorstep.sqlite").stat().st_mode) == 0o600
    closed = d.close(r.id, "done", "li", 200.0)
    assert (closed.status, closed.closed_by) == (Status.DONE, "li")
    with pytest.raises(DoorstepRefused, match="already closed"):
        d.close(r.id, "cancelled", "li", 201.0)
    assert [i.id for i in d.items(since=150.0)] == [1]
    assert d.items(since=250.0) == []  # closed before: out of the recent list
    assert PLACE not in caplog.text and "幸福路" not in caplog.text


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"what": "", "place": PLACE}, "required"),
        ({"what": "x", "place": " "}, "required"),
        ({"what": "x", "place": "路" * 201}, "place"),
    ],
)
def test_a_request_needs_what_and_a_place_within_limits(tmp_path, fields, says):
    with pytest.raises(DoorstepRefused, match=says):
        Doorsteps(tmp_path / "d.sqlite").add("wang", 1.0, **fields)
