"""The service's command path without MQTT: validation, roles, idempotency, durability."""

import json
from typing import get_args

import pytest

from app.bootstrap import build_broker
from broker.handlers import HANDLERS
from hallq import protocol
from hallq.contract import to_builtins


@pytest.fixture
def service(hall_cfg):
    s = build_broker(hall_cfg, with_link=False)
    s.load()
    yield s
    s.store.close()


def send(s, device, **payload):
    return s.handle(device, json.dumps(payload).encode())


def test_issue_and_call_round(service):
    assert send(service, "counter1", id="o", op="open", staff="s1")["ok"]
    r = send(service, "kiosk1", id="k1", op="issue", service="rs01")
    assert r["ok"] and r["ticket"] == "A001" and r["ahead"] == 0
    c = send(service, "counter1", id="c1", op="call_next")
    assert c["ticket"] == "A001" and c["window"] == "w1"
    assert c["reason_code"] == "cmu"  # the hall's routing rule by default: guarded_cmu


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", "bad_json"),
        (b"[1,2]", "bad_payload"),
        (b'{"id": "x", "op": "teleport"}', "unknown_op"),
        (b'{"id": "x", "op": "issue", "service": 5}', "bad_payload"),
        (b'{"id": "x", "op": "issue", "service": "rs01", "extra": 1}', "bad_payload"),
        (b'{"op": "issue", "service": "rs01"}', "bad_payload"),
        (b'{"id": "x", "op": "evaluate", "ticket": "A001", "score": 9}', "bad_payload"),
        (b'{"id": "x", "op": "issue", "service": "' + b"x" * 5000 + b'"}', "too_large"),
    ],
)
def test_bad_payloads_get_an_error_reply_and_change_nothing(service, payload, code):
    before = service.store.count()
    reply = service.handle("kiosk1", payload)
    assert reply["ok"] is False and reply["error"] == code and reply["message"]
    assert service.store.count() == before


def test_roles_are_enforced(service):
    send(service, "counter1", id="o", op="open")
    assert send(service, "kiosk1", id="a", op="call_next")["error"] == "forbidden"
    assert send(service, "display1", id="b", op="issue", service="rs01")["error"] == "forbidden"
    assert send(service, "nobody", id="c", op="issue", service="rs01")["error"] == "unknown_device"
    # a counter works its own window only
    r = send(service, "counter1", id="d", op="pause", window="w2")
    assert r["error"] == "forbidden"


def test_staff_cannot_rate_and_evaluator_rates_only_its_window(service):
    send(service, "counter1", id="o", op="open")
    t = send(service, "kiosk1", id="k", op="issue", service="rs01")["ticket"]
    send(service, "counter1", id="c", op="call_next")
    send(service, "counter1", id="f", op="finish")
    assert send(service, "counter1", id="r", op="evaluate", ticket=t, score=1)["error"] == (
        "forbidden"
    )
    ok = send(service, "eval1", id="r", op="evaluate", ticket=t, score=5)
    assert ok["ok"] and ok["score"] == 5
    assert send(service, "eval1", id="r2", op="evaluate", ticket=t, score=1)["error"] == (
        "already_rated"
    )


def test_a_repeated_command_id_gets_the_same_answer_and_skips_nobody(service):
    send(service, "counter1", id="o", op="open")
    for i in range(3):
        send(service, "kiosk1", id=f"k{i}", op="issue", service="rs01")
    first = send(service, "counter1", id="same", op="call_next")
    again = send(service, "counter1", id="same", op="call_next")
    assert again == first
    nxt = send(service, "counter1", id="other", op="call_next")
    assert (first["ticket"], nxt["ticket"]) == ("A001", "A002")
    # a repeated issue does not issue a second ticket either
    a = send(service, "kiosk1", id="k0", op="issue", service="rs01")
    assert a["ticket"] == "A001"


def test_refusals_are_remembered_by_id_too(service):
    send(service, "counter1", id="o", op="open")
    empty = send(service, "counter1", id="n", op="call_next")
    assert empty["error"] == "queue_empty"
    send(service, "kiosk1", id="k", op="issue", service="rs01")
    assert send(service, "counter1", id="n", op="call_next") == empty


def test_state_is_rebuilt_from_the_store_after_a_restart(hall_cfg, service):
    send(service, "counter1", id="o", op="open", staff="s1")
    for i in range(3):
        send(service, "kiosk1", id=f"k{i}", op="issue", service="rs01")
    send(service, "counter1", id="c", op="call_next")
    service.store.close()
    again = build_broker(hall_cfg, with_link=False)
    again.load()
    w = again.engine.windows["w1"]
    assert (w.status, w.staff, w.ticket) == ("open", "s1", "A001")
    r = send(again, "kiosk1", id="k9", op="issue", service="rs01")
    assert r["ticket"] == "A004"  # never a number issued twice in a day
    again.store.close()


def test_a_hall_without_a_region_refuses_appointment_codes(service):
    """No [region]: no bookings, so no code gets the appointment boost (issue 13; the codes
    that check in are tested in test_bookings.py)."""
    send(service, "counter1", id="o", op="open")
    before = service.store.count()
    r = send(
        service,
        "kiosk1",
        id="a",
        op="issue",
        service="rs01",
        priority="appointment",
        appointment="BK2026",
    )
    assert r["error"] == "booking_invalid" and "预约" in r["message"]
    assert service.store.count() == before and not service.engine.tickets
    bad = send(service, "kiosk1", id="b", op="issue", service="rs01", appointment="x y")
    assert bad["error"] == "bad_payload"


def test_staffing_advice_is_published_retained(hall_cfg):
    sent = {}
    s = build_broker(hall_cfg, with_link=False)
    s._send = lambda topic, payload, retain=False: (
        sent.__setitem__(topic, to_builtins(payload)) or True
    )
    s.publisher.send = s._send
    s.load()
    send(s, "counter1", id="o", op="open")
    for i in range(12):
        send(s, "kiosk1", id=f"k{i}", op="issue", service="rs01")
    s.publisher.publish_all(s.clock(), force=True)
    advice = sent["hallq/testhall/state/advice"]
    need = next(n for n in advice["needs"] if "rs01" in n["services"])
    assert need["department"] == "rs" and need["arrivals_per_h"] > 0
    assert need["windows_needed"] >= 1 and need["windows_serving"] == 1
    assert all(m["action"] in ("open", "help") and m["window_name"] for m in advice["moves"])
    s.store.close()


def test_a_day_rollover_restarts_numbers_and_keeps_history(hall_cfg):
    # 2026-11-27 16:00 in Shanghai; the business day starts at 03:00
    clock = [1795766400.0]
    s = build_broker(hall_cfg, with_link=False, clock=lambda: clock[0])
    s.load()
    send(s, "counter1", id="o1", op="open", staff="s1")
    assert send(s, "kiosk1", id="a", op="issue", service="rs01")["ticket"] == "A001"
    assert send(s, "kiosk1", id="b", op="issue", service="rs01")["ticket"] == "A002"
    day1 = s.engine.day
    clock[0] += 12 * 3600  # 04:00 the next morning
    s._tick()  # what the service's timer does every second
    assert s.engine.day != day1
    assert s.engine.windows["w1"].status == "closed"  # staff sign in again each morning
    send(s, "counter1", id="o2", op="open", staff="s1")
    assert send(s, "kiosk1", id="c", op="issue", service="rs01")["ticket"] == "A001"
    assert [e.data["ticket"] for e in s.store.events(day=day1) if e.kind == "ticket_issued"] == [
        "A001",
        "A002",
    ]
    s.store.close()
    again = build_broker(hall_cfg, with_link=False, clock=lambda: clock[0])
    again.load()  # the restart replays only the new day
    assert sorted(again.engine.tickets) == ["A001"] and again.engine.day == s.engine.day
    again.store.close()


def test_every_op_has_a_handler_and_roles_name_only_real_ops():
    ops = {c.__struct_config__.tag for c in get_args(protocol.Command)}
    assert set(HANDLERS) | {"book"} == ops  # book is relayed to the region: region_relay.py
    assert set().union(*protocol.ALLOWED.values()) <= ops
    assert "evaluate" not in protocol.ALLOWED[protocol.Role.COUNTER]  # 好差评: staff never rate


def test_window_services_can_leave_the_window_state(hall_cfg):
    """mqtt.window_services_in_state = false: state/window/<w> carries no services map (3 KB
    for a 综合窗口 on every call), state/window_services/<w> carries it and changes only with
    set_services."""
    import msgspec

    cfg = msgspec.structs.replace(
        hall_cfg, mqtt=msgspec.structs.replace(hall_cfg.mqtt, window_services_in_state=False)
    )
    sent: dict = {}
    s = build_broker(cfg, with_link=False)
    s._send = lambda topic, payload, retain=False: (
        sent.setdefault(topic, []).append(to_builtins(payload)) or True
    )
    s.publisher.send = s._send
    s.load()
    send(s, "counter1", id="o", op="open")
    sent.clear()
    send(s, "kiosk1", id="k", op="issue", service="rs01")
    send(s, "counter1", id="c", op="call_next")
    window = sent["hallq/testhall/state/window/w1"][-1]
    assert window["ticket"] == "A001" and "services" not in window
    assert "hallq/testhall/state/window_services/w1" not in sent  # nothing changed them
    s.publisher.publish_all(0.0, force=True)
    served = sent["hallq/testhall/state/window_services/w1"][-1]
    assert served["services"] == {"rs01": "primary", "rs02": "primary"}
    send(s, "board", id="b", op="set_services", window="w1", services={"rs01": "primary"})
    assert sent["hallq/testhall/state/window_services/w1"][-1]["services"] == {"rs01": "primary"}
    s.store.close()
