"""The wall display under SDL offscreen, for whole matters (一件事): a case carried by an agency
desk (帮办代办) is called by its agent's name, and a joint review's call sends the citizen to
the room without "办理". Real Mosquitto, the service, the display in its own process;
screenshots in artifacts/display/."""

from __future__ import annotations

from pathlib import Path

import pytest
from display_proc import DisplayProc
from halls import DATA, write_test_hall

from hallq.config import load_config

pytestmark = pytest.mark.ui


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


def test_the_wall_calls_the_agent_then_the_citizen_to_the_room(
    broker, device, artifacts, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = artifacts("display")
    cc = {n: device(f"counter{n}")[1] for n in (1, 4, 9)}
    for n, client in cc.items():
        client.send("open", staff=f"S0{n}")  # type: ignore[attr-defined]
    with DisplayProc(broker.cfg.source, "display1", "1920x1080", tmp_path) as d:
        d.wait_for("shown", lambda e: not e["offline"])
        took = cc[9].send("agency_take", matter="birth", agent="帮办员王")  # type: ignore[attr-defined]
        cc[4].send("call_next")  # type: ignore[attr-defined]
        shown = d.wait_for("shown", lambda e: e["latest"] == took.ticket and e["highlighted"])
        assert shown["latest_window"] == "请 帮办员王 到 4号窗口"
        said = d.wait_for("said", lambda e: e["ticket"] == took.ticket)
        assert said["text"] == "请帮办员王到4号窗口办理出生登记"
        d.shot(out / "wall_agent_1920x1080.png")
        cc[9].send("agency_release", ticket=took.ticket)  # type: ignore[attr-defined]
        cc[4].send("joint_open", ticket=took.ticket, room="r1", departments=["hz", "rs"])  # type: ignore[attr-defined]
        review = cc[1].send("joint_confirm", review="J001")  # type: ignore[attr-defined]
        assert review.called
        room = d.wait_for("shown", lambda e: e["latest_window"] == "请到 第一联审室")
        assert room["latest"] == took.ticket
        said = d.wait_for("said", lambda e: e["window"] == "第一联审室")
        assert said["text"] == "请D零零一号到第一联审室"  # the room template: no 办理
        d.shot(out / "wall_room_1920x1080.png")
