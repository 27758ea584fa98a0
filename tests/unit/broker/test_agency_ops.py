"""Agency (帮办代办) through the service's command path, without MQTT: role checks, clear
errors, and what the wall, the counters and the board are told (the agent, never the citizen)."""

import pytest
from test_matters import open_all, retained, send, sent

from hallq import contract as c
from hallq.protocol import encode


@pytest.fixture
def service(matters_service):
    """The matters hall's service on a FakeLink (tests/unit/broker/conftest.py)."""
    return matters_service


def typed(reply):
    return c.decode_reply(encode(reply))


def test_the_desk_opens_a_case_and_the_wall_calls_the_agent(service):
    s, link = service
    open_all(s)
    assert send(s, "counter9", id="o9", op="open", staff="S09")["ok"]
    took = typed(send(s, "counter9", id="a1", op="agency_take", matter="birth", agent="帮办员王"))
    assert isinstance(took, c.AgencyTakeOk)
    assert (took.desk, took.agent, took.matter, took.service) == ("w9", "帮办员王", "birth", "hz01")
    cases = retained(link, s.topics.cases, c.CasesState).cases
    assert [(k.ticket, k.agent, k.desk_name) for k in cases] == [
        (took.ticket, "帮办员王", "帮办代办窗口")
    ]
    assert send(s, "counter4", id="c1", op="call_next")["ticket"] == took.ticket
    called = sent(link, s.topics.event("called"), c.CalledEvent)[-1]
    assert (called.ticket, called.agent, called.window_name) == (took.ticket, "帮办员王", "4号窗口")
    assert retained(link, s.topics.window("w4"), c.WindowState).agent == "帮办员王"
    assert retained(link, s.topics.window("w9"), c.WindowState).agency is True


def test_only_a_desk_takes_and_only_the_carrying_desk_releases(service):
    s, _ = service
    open_all(s)
    n = send(s, "kiosk1", id="k1", op="issue", matter="birth")["ticket"]
    refused = send(s, "counter4", id="a1", op="agency_take", ticket=n)
    assert refused["error"] == "not_agency_desk" and "帮办代办" in refused["message"]
    bad_name = send(s, "counter9", id="a2", op="agency_take", ticket=n, agent="13800138000")
    assert bad_name["error"] == "bad_payload"  # no number of any kind on the wall
    both = send(s, "counter9", id="a3", op="agency_take", ticket=n, matter="birth")
    assert both["error"] == "bad_payload"
    assert send(s, "kiosk1", id="a4", op="agency_take", ticket=n)["error"] == "forbidden"
    assert send(s, "counter9", id="a5", op="agency_take", ticket=n)["ok"]
    assert send(s, "counter4", id="r1", op="agency_release", ticket=n)["error"] == "forbidden"
    released = typed(send(s, "board", id="r2", op="agency_release", ticket=n, by="mgr"))
    assert isinstance(released, c.AgencyReleaseOk) and released.desk == "w9"


def test_the_board_names_the_desk(service):
    s, _ = service
    open_all(s)
    n = send(s, "kiosk1", id="k1", op="issue", matter="birth")["ticket"]
    assert send(s, "board", id="b1", op="agency_take", ticket=n)["error"] == "bad_payload"
    assert send(s, "board", id="b2", op="agency_take", ticket=n, window="w1")["error"] == (
        "not_agency_desk"
    )
    took = send(s, "board", id="b3", op="agency_take", ticket=n, window="w9", by="mgr")
    assert took["ok"] and took["agent"] == "帮办代办窗口"
