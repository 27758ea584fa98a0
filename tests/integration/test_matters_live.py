"""A matter (一件事) live, through a real Mosquitto and the service as its own process: the
kiosk issues a 4-step matter across 3 departments, each department's counter calls the same
number in turn, the wall hears where to go, and a kill -9 of the service in the middle of the
case loses nothing."""

import os
import signal
import threading

import pytest
from halls import DATA, write_test_hall
from test_crash import start_broker, wait_online

from hallq import contract as c
from hallq.config import load_config
from hallq.core.case_views import case_view
from hallq.core.engine import Engine
from hallq.state import StateClient
from hallq.store import EventStore


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


class Heard:
    """What a wall display and an evaluator hear: event/called and event/finished."""

    def __init__(self, link) -> None:
        self.calls: list[c.CalledEvent] = []
        self.left: list[c.FinishedEvent] = []
        self.cases: list[c.CasesState] = []
        self.changed = threading.Condition()
        state = StateClient(link)
        state.follow_calls().listen(lambda _k, ev: self._add(self.calls, ev))
        state.follow_finished().listen(lambda _k, ev: self._add(self.left, ev))
        state.follow_cases().listen(lambda _k, ev: self._add(self.cases, ev))

    def _add(self, into, ev) -> None:
        with self.changed:
            if ev is not None:
                into.append(ev)
            self.changed.notify_all()

    def wait_for(self, into, n: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(into) >= n, timeout=10), into


def kill_9(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_a_four_step_matter_across_three_departments_survives_kill_9(mosquitto, device):
    cfg = mosquitto.cfg
    proc = start_broker(cfg.source)
    try:
        _, kiosk = device("kiosk1")
        wall_link, _ = device("display1")
        heard = Heard(wall_link)
        counters = {n: device(f"counter{n}")[1] for n in (1, 2, 4)}
        wait_online(kiosk)
        for cc in counters.values():
            cc.send("open")
        issued = kiosk.send("issue", matter="birth", confirm=True)
        assert isinstance(issued, c.IssueOk) and issued.matter == "birth"
        assert issued.stages == [["hz01"], ["rs01"], ["bdc01"], ["rs02"]]
        kiosk.send("print_result", ticket=issued.ticket, ok=True)
        ticket = issued.ticket
        departments = []
        # 出生登记 (户政, w4) -> 社保 (人社, w1) -> 不动产 (bdc, w2) -> 养老 (人社, w1)
        for step, (n, service) in enumerate([(4, "hz01"), (1, "rs01"), (2, "bdc01"), (1, "rs02")]):
            called = counters[n].send("call_next")
            assert (called.ticket, called.service) == (ticket, service)
            heard.wait_for(heard.calls, step + 1)
            call = heard.calls[-1]
            assert (call.ticket, call.step, call.steps, call.matter) == (
                ticket,
                step + 1,
                4,
                "birth",
            )
            departments.append(cfg.service(service).department)
            if step == 1:  # in the middle of the case: the service dies without a word
                kill_9(proc)
                proc = start_broker(cfg.source)
                wait_online(kiosk)
            done = counters[n].send("finish")
            heard.wait_for(heard.left, step + 1)
            left = heard.left[-1]
            assert left.ticket == ticket and left.service == service
            if step < 3:
                assert done.to == left.to and left.to_windows  # where the citizen goes next
            else:
                assert done.to is None and left.to is None  # the last step: the case is done
        assert len(set(departments)) == 3
        assert heard.calls[1].stage_rule is None  # nobody else waited: no rule needed
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    store = EventStore(cfg.resolve(cfg.device("hallq").store)).open()
    events = list(store.events())
    store.close()
    kinds = [e.kind for e in events if e.data.get("ticket") == ticket]
    assert kinds.count("case_moved") == 3 and kinds.count("case_completed") == 1
    assert kinds.count("ticket_issued") == 1  # one number for the whole matter
    replayed = Engine(cfg.layout())
    replayed.apply_all(events)
    page = case_view(replayed, ticket, events[-1].at)
    assert [v["status"] for v in page["visits"]] == ["done"] * 4
    assert [v["window"] for v in page["visits"]] == ["w4", "w1", "w2", "w1"]
