"""Erlang C staffing advice (hallq/core/staffing.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallq.core.engine import Engine
from hallq.core.model import Layout, ServiceSpec, Tier, WindowSpec
from hallq.core.staffing import advise, erlang_c, mean_wait_s, windows_needed

NOW = 1_800_000_000.0  # a Friday, 16:00 in Asia/Shanghai


def test_erlang_c_textbook_values() -> None:
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 3.0) == 1.0  # at capacity everyone waits


def test_mean_wait_of_mm1() -> None:
    # 30 per hour, 60 s each: rho 0.5, Wq = rho / (mu - lambda) = 0.5 / (1/60 - 1/120) = 60 s
    assert mean_wait_s(1, 30, 60) == pytest.approx(60)
    assert mean_wait_s(1, 60, 60) == math.inf


def test_the_issue_example_pooling_beats_separate_lines() -> None:
    # ~620 tickets over 7.5 h, 12-minute services, 20 windows (issue 8)
    per_h = 620 / 7.5
    pooled = mean_wait_s(20, per_h, 720)
    per_window = mean_wait_s(1, per_h / 20, 720)
    assert pooled / 60 == pytest.approx(1, abs=0.5)
    assert per_window / 60 == pytest.approx(57, abs=3)


@given(
    per_h=st.floats(1, 300),
    service_min=st.floats(1, 30),
    target_min=st.floats(1, 30),
)
def test_windows_needed_is_the_fewest_that_meet_target(
    per_h: float, service_min: float, target_min: float
) -> None:
    c = windows_needed(per_h, service_min * 60, target_min * 60)
    assert c is not None
    assert mean_wait_s(c, per_h, service_min * 60) <= target_min * 60
    assert c == 1 or mean_wait_s(c - 1, per_h, service_min * 60) > target_min * 60


def hall() -> Layout:
    svc = {
        "A": ServiceSpec("A", "A", "社保", "Social", "rs", target_wait_min=10, avg_service_min=10),
        "B": ServiceSpec("B", "B", "查询", "Records", "da", target_wait_min=10, avg_service_min=5),
    }
    win = {f"a{i}": WindowSpec(f"a{i}", "", "", "rs", {"A": Tier.PRIMARY}) for i in range(4)}
    win |= {f"b{i}": WindowSpec(f"b{i}", "", "", "da", {"B": Tier.PRIMARY}) for i in range(3)}
    return Layout("t", svc, win)


def test_advice_opens_closed_windows_then_moves_spare_ones() -> None:
    e = Engine(hall())
    for w in ("a0", "b0", "b1", "b2"):
        e.run("open", NOW - 3600, window=w)
    for k in range(30):  # 30 per hour of 10-minute work: 6 windows keep the mean wait < 10 min
        e.run("issue", NOW - 3600 + k * 120, service="A")
    e.run("issue", NOW - 1800, service="B")
    advice = advise(e, NOW)
    short = advice.needs[0]
    assert short.services == ("A",)
    assert short.windows_serving == 1
    assert short.windows_needed == 6
    opens = [m.window for m in advice.moves if m.action == "open"]
    helps = [m.window for m in advice.moves if m.action == "help"]
    assert opens == ["a1", "a2", "a3"]
    assert len(helps) == 2 and set(helps) <= {"b0", "b1", "b2"}  # 1 B window stays
    assert all(m.services == ("A",) for m in advice.moves)
