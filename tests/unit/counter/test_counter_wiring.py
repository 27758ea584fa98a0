"""The counter's wiring: it follows its own window and that window's services, nothing else."""

from __future__ import annotations

from typing import Any

from counter.wiring import build_counter, build_evaluator
from hallq.config import HallConfig
from hallq.fakes import FakeLink


class RecordingLink(FakeLink):
    def __init__(self) -> None:
        super().__init__("testhall", "counter1")
        self.filters: list[str] = []

    def subscribe(self, topic_filter: str, handler: Any) -> None:
        if "/state/" in topic_filter:  # replies are the command client's
            self.filters.append(topic_filter)
        super().subscribe(topic_filter, handler)


def test_counter_follows_its_window_and_its_services_only(hall_cfg: HallConfig) -> None:
    link = RecordingLink()
    _, c = build_counter(hall_cfg, "counter1", link)  # type: ignore[arg-type]
    t, w1 = link.topics, hall_cfg.window("w1")
    services = sorted({*w1.primary, *w1.secondary})
    own = [t.window("w1"), t.window_services("w1")]
    assert sorted(link.filters) == sorted([*own, *(t.service(s) for s in services)])
    link.start()
    link.deliver(t.service(services[0]), {"service": services[0], "waiting": 4}, retain=True)
    tiers = {services[0]: "primary"}
    link.deliver(t.window("w1"), {"window": "w1", "status": "open", "services": tiers})
    assert c.view().waiting == 4 and c.view().online


def test_a_service_given_to_the_window_later_is_followed_too(hall_cfg: HallConfig) -> None:
    link = RecordingLink()
    _, c = build_counter(hall_cfg, "counter1", link)  # type: ignore[arg-type]
    link.start()
    t = link.topics
    tiers = {"rs01": "primary", "new01": "secondary"}
    link.deliver(t.service("new01"), {"service": "new01", "waiting": 3}, retain=True)
    link.deliver(t.window("w1"), {"window": "w1", "status": "open", "services": tiers})
    assert t.service("new01") in link.filters
    assert c.view().waiting == 3
    link.deliver(t.window("w1"), {"window": "w1", "status": "open", "services": tiers})
    assert link.filters.count(t.service("new01")) == 1


def test_a_v2_window_state_without_services_takes_them_from_their_own_topic(
    hall_cfg: HallConfig,
) -> None:
    """With mqtt.window_services_in_state = false the window state carries no services map:
    the counter learns its tiers (and new services to follow) from state/window_services."""
    link = RecordingLink()
    _, c = build_counter(hall_cfg, "counter1", link)  # type: ignore[arg-type]
    link.start()
    t = link.topics
    link.deliver(t.service("new01"), {"service": "new01", "waiting": 2}, retain=True)
    link.deliver(t.window("w1"), {"window": "w1", "status": "open"})
    assert c.view().services == {} and c.view().waiting == 0
    served = {"window": "w1", "services": {"rs01": "primary", "new01": "secondary"}}
    link.deliver(t.window_services("w1"), served)
    assert t.service("new01") in link.filters
    assert c.view().services == {"rs01": "primary", "new01": "secondary"}
    assert c.view().waiting == 2


def test_evaluator_follows_its_window_only(hall_cfg: HallConfig) -> None:
    link = RecordingLink()
    build_evaluator(hall_cfg, "eval1", link)  # type: ignore[arg-type]
    assert link.filters == [link.topics.window("w1")]
