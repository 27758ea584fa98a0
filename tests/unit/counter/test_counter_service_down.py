"""A counter whose Mosquitto is up but whose queue service is gone says so plainly, refuses
presses (never queued), and recovers by itself when the service's presence is back."""

from __future__ import annotations

from counter.controller import Action
from counter.present import screen_texts
from counter.wiring import build_counter
from hallq.config import HallConfig
from hallq.fakes import FakeLink


def test_the_service_gone_and_back_on_the_counter(hall_cfg: HallConfig) -> None:
    link = FakeLink("testhall", "counter1")
    _, c = build_counter(hall_cfg, "counter1", link)  # type: ignore[arg-type]
    link.start()
    topic = link.topics.presence("hallq")
    link.deliver(topic, {"online": True, "mode": "primary"}, retain=True)
    assert c.view().service_up
    link.deliver(topic, {"online": False}, retain=True)  # the service's last will
    view = c.view()
    assert not view.service_up and view.note is not None and view.note.code == "service_down"
    assert screen_texts(view, {}, 0.0).status == "排队服务中断 Service down"
    result = c.press(Action.CALL_NEXT)
    assert not result.ok and result.note.code == "service_down"
    assert not any("/cmd/" in t for t, _p in link.published)  # nothing sent, nothing queued
    link.deliver(topic, {"online": True, "mode": "primary"}, retain=True)
    view = c.view()
    assert view.service_up and view.note.code == "service_back"


def test_a_standby_alone_is_no_service_and_an_unknown_presence_no_alarm(hall_cfg) -> None:
    from hallq.contract import Presence, ServiceMode
    from hallq.service_watch import Reach, ServiceWatch

    seen: list[bool] = []
    w = ServiceWatch(["a", "b"], seen.append)
    w.on_connection(True)
    assert w.reach is Reach.OK and seen == []  # nothing heard yet: no false alarm
    w.on_presence("a", Presence(online=False))
    w.on_presence("b", Presence(online=True, mode=ServiceMode.STANDBY))
    assert w.reach is Reach.NO_SERVICE and seen == [False]
    w.on_connection(False)
    assert w.reach is Reach.NO_MQTT and seen == [False, True]  # the device's own offline
    w.on_connection(True)
    w.on_presence("b", Presence(online=True, mode=ServiceMode.PRIMARY))  # promoted
    assert w.reach is Reach.OK
