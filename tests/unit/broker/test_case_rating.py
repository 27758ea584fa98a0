"""The rating rule for cases (一件事): the citizen rates the matter once, at its last visit.

Evaluators learn that a ticket left their window from its retained state; the service accepts
a rating only for a ticket that is done. Before this rule the evaluator asked after every
step and the service refused each intermediate rating (bad_state). Here the real service (on
a FakeLink) feeds a real EvaluationController at every window a case visits."""

import json

import pytest

from broker.service import BrokerService
from counter.evaluation import EvaluationController, Outcome
from hallq import contract as c
from hallq.client import Refused
from hallq.protocol import encode

# birth: hz01 (w4) -> rs01 (w1) -> bdc01 (w2) -> rs02 (w1)
ROUTE = [("counter4", "w4"), ("counter1", "w1"), ("counter2", "w2"), ("counter1", "w1")]


class ServiceSender:
    """An evaluator's sender straight into the service (as device ``eval1``)."""

    def __init__(self, service: BrokerService, device: str) -> None:
        self.service, self.device, self.n = service, device, 0

    def send(self, op: str, *, timeout: float = 3.0, retries: int = 1, **fields):
        self.n += 1
        reply = self.service.handle(self.device, encode({"id": f"e{self.n}", "op": op, **fields}))
        if not reply["ok"]:
            raise Refused(c.decode_reply(encode(reply)))
        return c.decode_reply(encode(reply))


@pytest.fixture
def hall(matters_service):
    """The matters hall's service on a FakeLink (tests/unit/broker/conftest.py)."""
    return matters_service


def test_a_case_is_rated_once_at_its_last_visit_and_the_service_accepts_it(hall):
    s, link = hall
    send = lambda dev, **p: s.handle(dev, json.dumps(p).encode())  # noqa: E731
    for n in (1, 2, 4):
        send(f"counter{n}", id="o", op="open")
    ticket = send("kiosk1", id="k", op="issue", matter="birth")["ticket"]
    evaluators = {w: EvaluationController(w, ServiceSender(s, "eval1")) for w in ("w1", "w2", "w4")}
    asked: list[tuple[str, str]] = []
    for w, ev in evaluators.items():
        ev.when_ask = lambda t, w=w: asked.append((w, t))
        ev.on_connection(True)
        link.subscribe(
            s.topics.window(w),
            lambda _t, p, ev=ev: ev.on_window_state("", c.decode(p, c.WindowState)),
        )
    finished: list[c.FinishedEvent] = []
    link.subscribe(
        s.topics.event("finished"), lambda _t, p: finished.append(c.decode(p, c.FinishedEvent))
    )
    for i, (counter, _w) in enumerate(ROUTE):
        assert send(counter, id=f"c{i}", op="call_next")["ticket"] == ticket
        assert send(counter, id=f"f{i}", op="finish")["ok"]
    assert asked == [("w1", ticket)]  # once, at the window of the last visit
    assert [f.rate for f in finished] == [False, False, False, True]
    record = evaluators["w1"].rate(5)
    assert record.outcome is Outcome.RATED  # the service agrees: accepted
    assert s.engine.tickets[ticket].rating == 5


def test_a_one_window_case_is_rated_at_its_one_sitting(hall):
    s, link = hall
    send = lambda dev, **p: s.handle(dev, json.dumps(p).encode())  # noqa: E731
    send("counter3", id="o", op="open")
    ev = EvaluationController("w3", ServiceSender(s, "eval1"))
    asked: list[str] = []
    ev.when_ask = asked.append
    ev.on_connection(True)
    link.subscribe(
        s.topics.window("w3"), lambda _t, p: ev.on_window_state("", c.decode(p, c.WindowState))
    )
    ticket = send("kiosk1", id="k", op="issue", matter="desk")["ticket"]
    send("counter3", id="c", op="call_next")
    send("counter3", id="f", op="finish")
    assert asked == [ticket]
