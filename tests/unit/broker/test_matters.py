"""Cases (一件事) through the service's command path, without MQTT: issue by matter, the
replies, what is published (window step, next window, cases in progress), roles and errors."""

import json

import pytest

from hallq import contract as c
from hallq.protocol import encode


@pytest.fixture
def service(matters_service):
    """The matters hall's service on a FakeLink (tests/unit/broker/conftest.py)."""
    return matters_service


def sent(link, topic, kind):
    return [c.decode(encode(p), kind) for t, p in link.published if t == topic]


def retained(link, topic, kind):
    return c.decode(link.retained[topic], kind)


def send(s, device, **payload):
    return s.handle(device, json.dumps(payload).encode())


def open_all(s):
    for n in (1, 2, 3, 4):
        assert send(s, f"counter{n}", id=f"o{n}", op="open")["ok"]


def test_issue_by_matter_names_the_ticket_and_its_stages(service):
    s, _ = service
    open_all(s)
    r = send(s, "kiosk1", id="k1", op="issue", matter="birth")
    assert r["ok"] and r["ticket"] == "D001" and r["service"] == "hz01"
    assert r["matter"] == "birth"
    assert r["stages"] == [["hz01"], ["rs01"], ["bdc01"], ["rs02"]]
    typed = c.decode_reply(json.dumps(r).encode())
    assert isinstance(typed, c.IssueOk) and typed.stages[1] == ["rs01"]


@pytest.mark.parametrize(
    ("payload", "code", "says"),
    [
        ({"matter": "nope"}, "unknown_matter", "nope"),
        ({"matter": "birth", "service": "rs01"}, "bad_payload", "exactly one"),
        ({}, "bad_payload", "exactly one"),
        ({"matter": "birth", "appointment": "ABCD1234"}, "bad_payload", "appointment"),
    ],
)
def test_bad_matter_issues_are_refused_clearly_and_change_nothing(service, payload, code, says):
    s, _ = service
    open_all(s)
    before = s.store.count()
    r = send(s, "kiosk1", id="x", op="issue", **payload)
    assert not r["ok"] and r["error"] == code and says in r["message"]
    assert s.store.count() == before  # a refusal stores no event
    assert s.engine.tickets == {}


def test_a_counter_may_not_issue_a_matter(service):
    s, _ = service
    r = send(s, "counter1", id="x", op="issue", matter="birth")
    assert r["error"] == "forbidden"


def test_finish_says_where_the_citizen_goes_next(service):
    s, link = service
    open_all(s)
    ticket = send(s, "kiosk1", id="k1", op="issue", matter="birth")["ticket"]
    called = send(s, "counter4", id="c1", op="call_next")
    assert called["ticket"] == ticket
    window = retained(link, link.topics.window("w4"), c.WindowState)
    assert (window.matter, window.step, window.steps) == ("birth", 1, 4)
    assert window.matter_name == "新生儿出生一件事"
    done = send(s, "counter4", id="f1", op="finish")
    assert done["ok"] and done["to"] == "rs01"
    (finished,) = sent(link, link.topics.event("finished"), c.FinishedEvent)
    assert (finished.service, finished.to, finished.to_name) == ("hz01", "rs01", "社保参保登记")
    assert finished.to_windows == ["1号窗口", "2号窗口", "3号综合窗口"]
    # the next window calls it with the same number, as a continuing case, step 2 of 4
    nxt = send(s, "counter1", id="c2", op="call_next")
    assert nxt["ticket"] == ticket and nxt["service"] == "rs01"
    call = sent(link, link.topics.event("called"), c.CalledEvent)[-1]
    assert (call.ticket, call.window_name, call.step, call.steps) == (ticket, "1号窗口", 2, 4)
    cases = retained(link, link.topics.cases, c.CasesState)
    assert [(k.ticket, k.step, k.state) for k in cases.cases] == [(ticket, 2, "called")]


def test_a_no_show_holds_the_case_and_the_counter_calls_it_back(service):
    s, link = service
    open_all(s)
    ticket = send(s, "kiosk1", id="k1", op="issue", matter="birth")["ticket"]
    send(s, "counter4", id="c1", op="call_next")
    assert send(s, "counter4", id="n1", op="no_show")["ok"]
    assert s.engine.tickets[ticket].state == "held"
    (left,) = sent(link, link.topics.event("finished"), c.FinishedEvent)
    assert left.outcome == "no_show" and left.to is None
    assert send(s, "counter4", id="c2", op="call", ticket=ticket)["ok"]
