"""A joint review (联审联批) live, through a real Mosquitto and the service as its own process:
three counters of three departments — their real CounterControllers on their own MQTT links —
are summoned, see the summons on their window's state, confirm, and the wall hears the citizen
called to the room; the board's feed shows each department's times, and a kill -9 of the
service in the middle of the review loses none of it."""

import threading

import pytest
from halls import DATA, write_test_hall
from test_crash import start_broker, wait_online
from test_matters_live import kill_9

from counter.controller import Action
from counter.present import screen_texts
from counter.wiring import build_counter
from hallq import contract as c
from hallq.config import load_config
from hallq.mqtt import MqttLink
from hallq.state import StateClient


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


class Watch:
    """Waits on a condition over what arrives on a link (calls to rooms, joint state)."""

    def __init__(self, link) -> None:
        self.calls: list[c.CalledEvent] = []
        self.joint: c.JointState | None = None
        self.changed = threading.Condition()
        state = StateClient(link)
        state.follow_calls().listen(lambda _k, ev: self._set(lambda: self.calls.append(ev)))
        state.follow_joint().listen(lambda _k, js: self._set(lambda: setattr(self, "joint", js)))

    def _set(self, change) -> None:
        with self.changed:
            change()
            self.changed.notify_all()

    def until(self, check, what: str) -> None:
        with self.changed:
            assert self.changed.wait_for(check, timeout=10), what


def until(check, what: str) -> None:
    done = threading.Event()
    for _ in range(100):
        if check():
            return
        done.wait(0.1)
    raise AssertionError(what)


def test_three_counters_are_summoned_confirm_and_the_citizen_is_called_to_the_room(
    mosquitto, device
):
    cfg = mosquitto.cfg
    proc = start_broker(cfg.source)
    links: list[MqttLink] = []
    try:
        _, kiosk = device("kiosk1")
        wall, _ = device("display1")
        watch = Watch(wall)
        wait_online(kiosk)
        counters = {}
        for n in (1, 2, 4):  # 人社 (w1), 不动产 (w2), 户政 (w4)
            link, ctl = build_counter(cfg, f"counter{n}", repeat_guard_s=0.0)
            link.start()
            assert link.wait_for_connection(10)
            links.append(link)
            counters[n] = ctl
            until(lambda ctl=ctl: ctl.view().online, f"counter{n} online")
            assert ctl.press(Action.SIGN_IN, staff=f"S0{n}").ok
        ticket = kiosk.send("issue", matter="birth").ticket
        assert counters[4].press(Action.CALL_NEXT).reply.ticket == ticket
        opened = counters[4].sender.send(
            "joint_open", ticket=ticket, room="r1", departments=["hz", "rs", "bdc"]
        )
        assert isinstance(opened, c.JointOpenOk) and opened.windows == ["w4", "w1", "w2"]
        for n in (1, 2):
            until(lambda n=n: counters[n].view().summons is not None, f"summons at counter{n}")
            text = screen_texts(counters[n].view(), {}, 0.0).summons
            assert text.startswith(f"联审召集：请到 第一联审室 办理 {ticket}")
        assert counters[1].press(Action.JOINT_CONFIRM).note.code == "joint_confirmed"
        kill_9(proc)  # in the middle of the review: nothing of it is lost
        proc = start_broker(cfg.source)
        wait_online(kiosk)
        last = counters[2].press(Action.JOINT_CONFIRM)
        assert last.ok and last.note.code == "joint_called", last.note
        watch.until(lambda: any(call.review for call in watch.calls), "the call to the room")
        room_call = next(call for call in watch.calls if call.review)
        assert (room_call.ticket, room_call.window_name, room_call.zone) == (
            ticket,
            "第一联审室",
            "F1",
        )
        watch.until(
            lambda: watch.joint is not None and watch.joint.reviews[0].status == "called",
            "the board sees the review called",
        )
        parts = watch.joint.reviews[0].parts
        assert [p.department for p in parts] == ["hz", "rs", "bdc"]
        assert all(p.confirmed_at is not None for p in parts)
        closed = counters[4].sender.send("joint_close", review=opened.review)
        assert isinstance(closed, c.JointCloseOk) and closed.to == "rs01"
        until(lambda: counters[1].view().summons is None, "counter1 released")
        assert counters[1].press(Action.CALL_NEXT).reply.ticket == ticket  # the next stage
    finally:
        for link in links:
            link.stop()
        proc.terminate()
        proc.wait(timeout=10)
