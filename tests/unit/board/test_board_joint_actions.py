"""The board's joint-review actions are checked like every manager action before sending."""

import pytest

from board.actions import ActionRefused, build_command


def test_a_manager_opens_confirms_and_closes_joint_reviews_signed():
    body = {"op": "joint_open", "ticket": "D001", "room": "r1", "departments": ["rs", "bdc"]}
    op, fields = build_command(body, "王经理")
    assert (
        op == "joint_open" and fields["by"] == "王经理" and fields["departments"] == ["rs", "bdc"]
    )
    assert build_command({"op": "joint_confirm", "review": "J001", "window": "w1"}, "m")[1] == {
        "review": "J001",
        "window": "w1",
    }
    assert build_command({"op": "joint_close", "review": "J001", "outcome": "back"}, "m")[1] == {
        "review": "J001",
        "outcome": "back",
        "by": "m",
    }


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"op": "joint_open", "ticket": "D001", "room": "r1", "departments": []}, "departments"),
        ({"op": "joint_open", "ticket": "身份证", "room": "r1", "departments": ["rs"]}, "ticket"),
        ({"op": "joint_close", "review": "J001", "outcome": "later"}, "outcome"),
    ],
)
def test_bad_joint_actions_are_refused_with_the_key_path(body, says):
    with pytest.raises(ActionRefused, match=says):
        build_command(body, "m")
