"""A counter's ``book`` relayed to the region (broker/region_relay.py) on a FakeLink: refused
at once without a region or with the bridge down (nothing sent), otherwise sent with an
expiry and answered when the region answers; a repeated command id gets the same reply."""

import json

import pytest
from halls import link_region, write_test_hall

from app.bootstrap import build_broker
from hallq import contract as c
from hallq.config import load_config
from hallq.fakes import FakeLink
from hallq.protocol import encode

NOW = 1_800_000_000.0
BOOK = {"op": "book", "hall": "county", "service": "bdc01", "day": "2027-01-15", "start": "09:00"}


def service(tmp_path, region: bool):
    path = write_test_hall(tmp_path)
    if region:
        link_region(path, hall_no=3)
    s = build_broker(load_config(path), with_link=False, clock=lambda: NOW)
    s.link = FakeLink()
    s.link.start()
    s.load()
    return s


def asked(s) -> list:
    return [p for t, p in s.link.published if t == "hallq/testhall/ask/book"]


def book(s, cmd_id="b1", **extra):
    return s.handle("counter1", json.dumps({"id": cmd_id, **BOOK, **extra}).encode())


@pytest.mark.parametrize(("region", "says"), [(False, "未接入区域中心"), (True, "无法连接")])
def test_refused_at_once_without_a_region_or_a_bridge(tmp_path, region, says):
    s = service(tmp_path, region)
    reply = book(s)
    assert reply["error"] == "region_unreachable" and says in reply["message"]
    assert asked(s) == []  # nothing sent, nothing booked
    s.store.close()


def test_relayed_with_an_expiry_and_answered_when_the_region_answers(tmp_path):
    s = service(tmp_path, True)
    s.relay.on_bridge("hallq/testhall/bridge/region", b"1")
    assert book(s, staff="10086") is None  # the reply comes later
    assert book(s) is None  # a retry while waiting: still one request
    (request,) = asked(s)
    assert request.by == "counter1/10086" and request.expires_at == NOW + 5.0
    answer = c.BookAnswer(id=request.id, ok=True, code="0" * 16, hall="county", day="2027-01-15")
    s.relay.on_answer("hallq/testhall/region/answer", encode(answer))
    replies = [p for t, p in s.link.published if t == "hallq/testhall/reply/counter1"]
    assert [(r["op"], r["code"]) for r in replies] == [("book", "0" * 16)]
    assert book(s) == replies[0]  # the same command id again: the same reply, nothing sent
    assert len(asked(s)) == 1
    s.store.close()


def test_a_refusal_from_the_region_says_why(tmp_path):
    s = service(tmp_path, True)
    s.relay.on_bridge("hallq/testhall/bridge/region", b"1")
    book(s)
    (request,) = asked(s)
    said = c.BookAnswer(id=request.id, ok=False, message="该时段已约满 / this slot is full")
    s.relay.on_answer("hallq/testhall/region/answer", encode(said))
    reply = book(s)
    assert reply["error"] == "booking_refused" and "约满" in reply["message"]
    s.store.close()
