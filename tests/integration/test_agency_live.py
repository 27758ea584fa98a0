"""Agency (帮办代办) live, through a real Mosquitto and the service as its own process: the
agency desk's counter opens a case for a matter on a citizen's behalf; each stage's window calls
it and the wall — its own display model and voice text — calls the agent, never a citizen; the
board's feed lists the carried case; a kill -9 of the service between two stages keeps it
carried (replay rebuilds the agency)."""

import threading

import pytest
from halls import DATA, write_test_hall
from test_crash import start_broker, wait_online
from test_matters_live import kill_9

from display.model import DisplayModel, HallInfo
from hallq import contract as c
from hallq.config import load_config
from hallq.state import StateClient
from hardware.config import VoiceConfig
from hardware.voice_text import call_text


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


class Wall:
    """A wall display's model on its own link: what it shows and what its voice would say."""

    def __init__(self, link) -> None:
        self.model = DisplayModel(HallInfo())
        self.said: list[str] = []
        self.cases: c.CasesState | None = None
        self.changed = threading.Condition()
        state = StateClient(link)
        state.follow_calls().listen(lambda _k, ev: self._called(ev))
        state.follow_cases().listen(lambda _k, cs: self._set(lambda: setattr(self, "cases", cs)))

    def _called(self, ev: c.CalledEvent) -> None:
        call = self.model.on_called(ev, ev.at)
        if call is not None:
            text = call_text(
                VoiceConfig(),
                call.ticket,
                call.window_name,
                "zh",
                call.service,
                agent=call.agent,
                room=call.room,
            )
            self._set(lambda: self.said.append(text))

    def _set(self, change) -> None:
        with self.changed:
            change()
            self.changed.notify_all()

    def until(self, check, what: str) -> None:
        with self.changed:
            assert self.changed.wait_for(check, timeout=10), what


def test_the_desk_carries_a_case_and_the_wall_calls_the_agent_through_kill_9(mosquitto, device):
    cfg = mosquitto.cfg
    proc = start_broker(cfg.source)
    try:
        wall_link, _ = device("display1")
        wall = Wall(wall_link)
        _, desk = device("counter9")
        _, hz = device("counter4")
        _, rs = device("counter1")
        wait_online(desk)
        for counter in (desk, hz, rs):
            assert isinstance(counter.send("open"), c.OpenOk)
        took = desk.send("agency_take", matter="birth", agent="帮办员王")
        assert isinstance(took, c.AgencyTakeOk) and took.service == "hz01"
        wall.until(
            lambda: (
                wall.cases is not None
                and [(k.ticket, k.agent) for k in wall.cases.cases] == [(took.ticket, "帮办员王")]
            ),
            "the board's feed lists the carried case",
        )
        assert hz.send("call_next").ticket == took.ticket
        wall.until(lambda: len(wall.said) == 1, "the first call")
        assert wall.said[0] == "请帮办员王到4号窗口办理出生登记"
        assert wall.model.view(0).latest.agent == "帮办员王"
        assert hz.send("finish").to == "rs01"
        kill_9(proc)  # between two stages: the case stays carried
        proc = start_broker(cfg.source)
        wait_online(desk)
        assert rs.send("call_next").ticket == took.ticket
        wall.until(lambda: len(wall.said) == 2, "the second stage's call")
        assert wall.said[1] == "请帮办员王到1号窗口办理社保参保登记"
        released = desk.send("agency_release", ticket=took.ticket)
        assert isinstance(released, c.AgencyReleaseOk)
        wall.until(
            lambda: wall.cases is not None and wall.cases.cases[0].agent is None,
            "released: the case is the citizen's own again",
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
