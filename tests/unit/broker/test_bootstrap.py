"""The service takes its store, engine and link from outside; build_broker makes the real ones."""

from __future__ import annotations

import threading

import pytest

from app.bootstrap import build_broker
from broker.service import BrokerService
from hallq.config import BrokerDevice, ConfigError, require_role
from hallq.contract import CallNextOk, IssueOk, decode_reply
from hallq.core.engine import Engine
from hallq.fakes import FakeLink
from hallq.mqtt import MqttLink
from hallq.protocol import encode
from hallq.store import EventStore


def test_build_broker_wires_the_configured_store_and_a_real_link(hall_cfg):
    service = build_broker(hall_cfg)
    broker = require_role(hall_cfg, None, BrokerDevice)
    assert isinstance(service.link, MqttLink) and service.link.device == broker.id
    assert isinstance(service.store, EventStore)
    assert service.store.path == hall_cfg.resolve(broker.store)
    assert not service.link.is_connected  # nothing connects before start()


def test_build_broker_refuses_a_device_that_is_not_a_broker(hall_cfg):
    with pytest.raises(ConfigError, match="'kiosk1' is a kiosk, not a broker"):
        build_broker(hall_cfg, "kiosk1")


def test_the_service_runs_on_injected_fakes(hall_cfg, tmp_path):
    """A fake link and a store of the test's choosing: commands in, replies out, no Mosquitto."""
    link = FakeLink(hall_cfg.hall.id, "hallq")
    store = EventStore(tmp_path / "injected.db")
    engine = Engine(hall_cfg.layout())
    service = BrokerService(hall_cfg, store=store, engine=engine, link=link)
    replies: list[bytes] = []
    got = threading.Event()

    def on_reply(_topic: str, payload: bytes) -> None:
        replies.append(payload)
        got.set()

    def ask(device: str, **body: object) -> object:
        got.clear()
        link.deliver(link.topics.cmd(device), encode({"id": f"{device}-{len(replies)}", **body}))
        assert got.wait(10), f"no reply to {device}"  # a bound, not a timing assertion
        return decode_reply(replies[-1])

    link.subscribe(link.topics.reply("+"), on_reply)
    service.start()
    try:
        assert ask("counter1", op="open").ok
        assert isinstance(ask("kiosk1", op="issue", service="rs01"), IssueOk)
        assert isinstance(ask("counter1", op="call_next"), CallNextOk)
    finally:
        service.stop()
    assert service.engine is engine and store.path == tmp_path / "injected.db"
    reopened = EventStore(tmp_path / "injected.db").open()
    assert reopened.count() > 0  # the injected store is the one written
    reopened.close()


def test_a_service_without_a_link_answers_but_cannot_start(hall_cfg):
    service = build_broker(hall_cfg, with_link=False)
    with pytest.raises(ValueError, match="without a link"):
        service.start()
