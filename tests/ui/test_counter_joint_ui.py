"""A counter summoned to a joint review (联审), as its staff sees it: the purple summons bar,
F7 to confirm, then the review under way once every department is in. Kivy under SDL
offscreen against real Mosquitto and the service; screenshots in the artifacts folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from halls import DATA, write_test_hall
from test_counter_screen import run_driver

from hallq.config import load_config


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


@pytest.mark.ui
def test_a_summons_shows_and_is_confirmed_with_f7(broker, device, artifacts, tmp_path: Path):  # type: ignore[no-untyped-def]
    _l, board = device("board")
    for w in ("w1", "w4"):
        board.send("open", window=w, staff=f"S0{w[-1]}")
    _k, kiosk = device("kiosk1")
    ticket = kiosk.send("issue", matter="birth").ticket
    opened = board.send("joint_open", ticket=ticket, room="r1", departments=["hz", "rs"])
    assert opened.windows == ["w4", "w1"]
    board.send("joint_confirm", review=opened.review, window="w4")  # 户政 is in already
    out = artifacts("counter")
    result = run_driver(broker.cfg.source, "counter1", out, tmp_path, scenario="joint")
    assert result["ok"], result["error"]
    review = broker.service.engine.joint[opened.review]
    assert review.status == "called" and review.part("w1").confirmed_at is not None
    assert any("已被呼叫到 第一联审室" in n for n in result["notes"]), result["notes"]
    for shot in ("summons", "joint_called"):
        path = out / f"counter_{shot}.png"
        assert path.stat().st_size > 10_000
