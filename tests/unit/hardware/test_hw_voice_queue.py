"""The announcement queue keeps up: full when alone, shortened in a run, late calls flagged."""

from __future__ import annotations

import threading

from hardware.fakes import FakeAnnouncer
from hardware.voice import Call, Form


class HeldAnnouncer(FakeAnnouncer):
    """Holds the first call in the speaker until ``release()``, so a burst queues behind it."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.speaking = threading.Event()
        self.gate = threading.Event()

    def _speak(self, call: Call, form: Form = Form.FULL) -> None:
        self.speaking.set()
        self.gate.wait(10)
        super()._speak(call, form)

    def release(self) -> None:
        self.gate.set()


def burst(ann: HeldAnnouncer, tickets: list[str]) -> None:
    ann.announce(tickets[0], "1号窗口")
    assert ann.speaking.wait(10)
    for t in tickets[1:]:
        ann.announce(t, "1号窗口")


def test_a_call_alone_is_said_in_full() -> None:
    ann = FakeAnnouncer()
    ann.announce("A001", "1号窗口")
    assert ann.wait_idle(10)
    assert ann.forms == [Form.FULL]


def test_calls_queued_behind_are_one_run_with_one_chime_each_said_once() -> None:
    ann = HeldAnnouncer()
    burst(ann, ["A001", "A002", "A003", "A004"])
    ann.release()
    assert ann.wait_idle(10)
    assert [c.ticket for c in ann.announced] == ["A001", "A002", "A003", "A004"]
    assert ann.forms == [Form.FULL, Form.RUN_FIRST, Form.RUN_NEXT, Form.RUN_NEXT]
    ann.announce("A005", "1号窗口")  # the queue caught up: the next call alone is full again
    assert ann.wait_idle(10)
    assert ann.forms[-1] is Form.FULL


def test_a_call_that_could_not_begin_in_time_is_flagged_not_dropped_silently() -> None:
    now = [0.0]
    ann = HeldAnnouncer(late_s=60.0, clock=lambda: now[0])
    flagged: list[Call] = []
    ann.when_unsaid = flagged.append
    burst(ann, ["A001", "A002", "A003"])
    now[0] = 61.0  # the first call held the speaker past A002's and A003's deadline
    ann.announce("A004", "2号窗口")
    ann.release()
    assert ann.wait_idle(10)
    assert [c.ticket for c in ann.announced] == ["A001", "A004"]
    assert [c.ticket for c in flagged] == [c.ticket for c in ann.unsaid] == ["A002", "A003"]
    assert ann.forms == [Form.FULL, Form.RUN_NEXT]  # A004 ends the run that A002 began


def test_every_call_is_either_said_or_flagged() -> None:
    now = [0.0]
    ann = HeldAnnouncer(late_s=30.0, clock=lambda: now[0])
    tickets = [f"B{n:03d}" for n in range(1, 21)]
    burst(ann, tickets[:10])
    now[0] = 31.0
    for t in tickets[10:]:
        ann.announce(t, "3号窗口")
    ann.release()
    assert ann.wait_idle(10)
    said, unsaid = [c.ticket for c in ann.announced], [c.ticket for c in ann.unsaid]
    assert sorted(said + unsaid) == tickets
    assert unsaid == tickets[1:10]
