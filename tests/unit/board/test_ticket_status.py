"""The phone page's facts about one ticket, from a real engine driven through the test hall."""

import json

import pytest
from halls import write_test_hall

from board.ticket_status import parse_number, ticket_status
from hallq.config import load_config
from hallq.core.engine import Engine

NOW = 1_800_000_000.0  # a Friday, 16:00 in Asia/Shanghai; the test hall is always open


@pytest.fixture
def engine(tmp_path):
    e = Engine(load_config(write_test_hall(tmp_path)).layout())
    e.run("open", NOW, window="w1", staff="zhang")
    return e


def issue(e, service="rs01", at=NOW, **kw):
    return e.run("issue", at, service=service, **kw)[-1].data["ticket"]


def test_waiting_counts_the_tickets_issued_before_and_estimates_the_wait(engine):
    a, _b, c = (issue(engine, at=NOW + i) for i in range(3))
    assert ticket_status(engine, a, NOW + 5)["ahead"] == 0
    s = ticket_status(engine, c, NOW + 5)
    assert s["state"] == "waiting" and s["ticket"] == c == "A003"
    assert (s["service_name"], s["service_name_en"]) == ("社保参保登记", "Social insurance")
    assert s["ahead"] == 2 and s["priority_waiting"] == 0
    # w1 alone serves rs01 (w2 helping is closed), idle, 6 min a citizen: 2 ahead -> 12 min
    assert s["est_wait_min"] == 12
    assert s["approx"] is True  # the hall has priority classes: the count may still change


def test_a_priority_ticket_issued_earlier_counts_ahead(engine):
    issue(engine, at=NOW, priority="elderly")
    issue(engine, at=NOW + 1)
    s = ticket_status(engine, issue(engine, at=NOW + 2), NOW + 3)
    assert s["ahead"] == 2 and s["priority_waiting"] == 1


def test_a_priority_ticket_looks_like_any_other_from_outside(engine):
    """Counting in engine order would give away who is elderly or disabled, number by number:
    a front ticket's page must read exactly like a normal ticket's in its place."""
    plain = Engine(engine.layout)
    plain.run("open", NOW, window="w1", staff="li")
    for i, priority in enumerate([None, "elderly", "disabled", None]):
        issue(engine, at=NOW + i, priority=priority)
        issue(plain, at=NOW + i)
    for number in ("A001", "A002", "A003", "A004"):
        mixed, same = ticket_status(engine, number, NOW + 9), ticket_status(plain, number, NOW + 9)
        # the service-wide count of priority citizens waiting is public (the board shows it)
        assert (mixed.pop("priority_waiting"), same.pop("priority_waiting")) == (2, 0)
        assert mixed == same


def test_called_names_the_window_then_serving_then_done(engine):
    t = issue(engine)
    engine.run("call_next", NOW + 60, window="w1")
    s = ticket_status(engine, t, NOW + 61)
    assert s["state"] == "called"
    assert (s["window"], s["window_name"], s["window_name_en"]) == ("w1", "1号窗口", "Window 1")
    assert "ahead" not in s
    engine.run("start", NOW + 70, window="w1")
    assert ticket_status(engine, t, NOW + 71)["state"] == "serving"
    engine.run("finish", NOW + 400, window="w1")
    done = ticket_status(engine, t, NOW + 401)
    assert done["state"] == "done" and "window" not in done


def test_no_show_cancelled_and_held(engine):
    gone, kept, dropped = issue(engine), issue(engine, at=NOW + 1), issue(engine, at=NOW + 2)
    engine.run("call_next", NOW + 60, window="w1")
    engine.run("no_show", NOW + 200, window="w1")
    engine.run("call_next", NOW + 210, window="w1")
    engine.run("hold", NOW + 220, window="w1")
    engine.run("cancel", NOW + 230, ticket=dropped, reason="张三 不办了")
    assert ticket_status(engine, gone, NOW + 300)["state"] == "no_show"
    held = ticket_status(engine, kept, NOW + 300)
    assert held["state"] == "held" and held["window_name"] == "1号窗口"
    cancelled = ticket_status(engine, dropped, NOW + 300)
    assert cancelled["state"] == "cancelled"
    assert "张三" not in json.dumps(cancelled, ensure_ascii=False)  # no free-text reason


def test_unknown_number_today(engine):
    issue(engine)
    assert ticket_status(engine, "a999", NOW) == {"ticket": "A999", "state": "unknown"}


def test_no_personal_data_in_any_state(engine):
    t = issue(engine, priority="appointment", appointment="BK-20261123-7788")
    texts = [json.dumps(ticket_status(engine, t, NOW + 1), ensure_ascii=False)]
    engine.run("call_next", NOW + 60, window="w1")
    texts.append(json.dumps(ticket_status(engine, t, NOW + 61), ensure_ascii=False))
    for text in texts:
        for secret in ("BK-20261123-7788", "zhang", "appointment", "预约", "kiosk", "source"):
            assert secret not in text


def test_no_estimate_while_no_window_serves_the_service(engine):
    t = issue(engine)
    engine.run("close", NOW + 5, window="w1")
    s = ticket_status(engine, t, NOW + 6)
    assert s["state"] == "waiting" and s["est_wait_min"] is None


def test_parse_number_accepts_only_this_halls_shapes():
    prefixes = ["A", "B", "C"]
    assert parse_number("a007", prefixes) == "A007"
    assert parse_number("B1234", prefixes) == "B1234"
    for bad in ("Z001", "A1", "A001x", "../A001", "", "A" * 5 + "001", "AB001"):
        assert parse_number(bad, prefixes) is None


def test_a_cases_page_shows_every_step_done_now_and_next(tmp_path):
    from halls import DATA

    from board.ticket_page import render

    cfg = load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))
    e = Engine(cfg.layout())
    for w in ("w1", "w4"):
        e.run("open", NOW, window=w, staff="zhang")
    n = e.run("issue_case", NOW, matter="birth")[-1].data["ticket"]
    e.run("call_next", NOW + 60, window="w4")
    e.run("finish", NOW + 120, window="w4")
    s = ticket_status(e, n, NOW + 130)
    assert s["state"] == "waiting" and s["service"] == "rs01"  # queued at step 2 by itself
    case = s["case"]
    assert (case["matter_name"], case["step"], case["steps"]) == ("新生儿出生一件事", 2, 4)
    assert [(v["name"], v["status"], v["window_name"]) for v in case["visits"]] == [
        ("出生登记", "done", "4号窗口"),
        ("社保参保登记", "now", ""),
        ("不动产转移登记", "next", ""),
        ("养老保险待遇", "next", ""),
    ]
    assert "zhang" not in json.dumps(s, ensure_ascii=False)  # no staff on a public page
    page = render(s, lang="zh", hall="测试", time="16:02")
    assert "一件事：新生儿出生一件事（第2步/共4步）" in page and "已办结 · 4号窗口" in page
    assert "Step" not in page and "step 2 of 4" in render(s, lang="en", hall="t", time="t")


def test_a_carried_cases_page_names_the_desk_not_the_agent(tmp_path):
    from halls import DATA

    from board.ticket_page import render

    cfg = load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))
    e = Engine(cfg.layout())
    for w in ("w1", "w4", "w9"):
        e.run("open", NOW, window=w, staff="zhang")
    took = e.run("agency_take", NOW, window="w9", matter="birth", agent="帮办员王")
    s = ticket_status(e, took[-1].data["ticket"], NOW + 10)
    assert s["case"]["desk_name"] == "帮办代办窗口"
    assert "帮办员王" not in json.dumps(s, ensure_ascii=False)  # a staff name: not public
    page = render(s, lang="zh", hall="测试", time="16:02")
    assert "由 帮办代办窗口 全程代办：您可以离开大厅" in page
    assert "您无需留在大厅" in page and "请留在大厅内" not in page  # not told to stay
    assert "Agency desk carries this for you" in render(s, lang="en", hall="t", time="t")
