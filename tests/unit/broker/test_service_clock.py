"""The service with its clock stepped back or jumped ahead (issue 17, defect 3)."""

import json

import pytest

from app.bootstrap import build_broker
from broker import service as service_module

HOUR = 3600.0
FRIDAY_16H = 1795766400.0  # 2026-11-27 16:00 in Shanghai; the business day starts at 03:00


@pytest.fixture
def clock():
    return [FRIDAY_16H]


@pytest.fixture
def service(hall_cfg, clock):
    s = build_broker(hall_cfg, with_link=False, clock=lambda: clock[0])
    s.load()
    yield s
    s.store.close()


def send(s, device, **payload):
    return s.handle(device, json.dumps(payload).encode())


def issued(s):
    return [
        (e.data["day"], e.data["ticket"]) for e in s.store.events() if e.kind == "ticket_issued"
    ]


def test_the_day_is_kept_across_a_step_back_and_rolls_over_once(service, clock, hall_cfg):
    assert send(service, "counter1", id="o1", op="open", staff="s1")["ok"]
    assert send(service, "kiosk1", id="a", op="issue", service="rs01")["ticket"] == "A001"
    day = service.engine.day
    clock[0] = FRIDAY_16H - 14 * HOUR  # 02:00 the same date: yesterday's business day
    service._tick()
    assert service.engine.day == day and service.engine.windows["w1"].status == "open"
    assert send(service, "kiosk1", id="b", op="issue", service="rs01")["ticket"] == "A002"
    clock[0] = FRIDAY_16H + HOUR  # caught up, still the same day
    assert send(service, "kiosk1", id="c", op="issue", service="rs01")["ticket"] == "A003"
    assert issued(service) == [(day, "A001"), (day, "A002"), (day, "A003")]
    again = build_broker(hall_cfg, with_link=False, clock=lambda: clock[0])
    again.load()  # a restart rebuilds the same day from the store
    assert again.engine.day == day and sorted(again.engine.tickets) == ["A001", "A002", "A003"]
    again.store.close()
    clock[0] = FRIDAY_16H + 12 * HOUR  # 04:00 the next morning
    service._tick()
    starts = [e.data for e in service.store.events() if e.kind == "day_started"]
    assert [s["previous"] for s in starts] == ["", day]


def test_a_jump_of_72_h_keeps_a_redelivered_command_idempotent(service, clock):
    send(service, "counter1", id="o1", op="open", staff="s1")
    first = send(service, "kiosk1", id="k1", op="issue", service="rs01")
    clock[0] += 72 * HOUR
    service._tick()
    send(service, "counter1", id="o2", op="open", staff="s1")  # a reply at the new time
    service._forget_old_replies()  # what the service does every hour
    assert send(service, "kiosk1", id="k1", op="issue", service="rs01") == first
    assert len(issued(service)) == 1


def test_old_replies_are_still_forgotten(service, clock, monkeypatch):
    monkeypatch.setattr(service_module, "REPLY_MEMORY_ROWS", 1)
    send(service, "counter1", id="o1", op="open", staff="s1")
    send(service, "kiosk1", id="k1", op="issue", service="rs01")
    clock[0] += 49 * HOUR
    send(service, "counter1", id="o2", op="open", staff="s1")
    service._forget_old_replies()
    assert service.store.reply_for("kiosk1", "k1") is None
    assert service.store.reply_for("counter1", "o2") is not None
