"""Hostile and broken input on the command path (issue "Hardening", defects 1, 10, 12, 14).

Every command gets exactly one reply, a refusal is the command's own (its id kept whenever it
can be read), memory is never ahead of the store, and a store holding an event the engine
cannot apply is replayed with that row skipped and reported instead of crash-looping."""

import json
import logging

import pytest

from app.bootstrap import build_broker
from broker import handlers
from broker.service import BrokerService
from hallq.core.engine import Engine
from hallq.core.model import Event
from hallq.logs import SafeFormatter

NESTED = b"[" * 1200 + b"]" * 1200  # 2.4 KB, under the 4 KB limit


def snapshot(engine: Engine) -> dict:
    """What a replay must reproduce: every ticket and window, by value."""
    tickets = {
        n: (t.state, t.service, t.window, t.calls, t.rating) for n, t in engine.tickets.items()
    }
    windows = {w: (x.status, x.staff, x.ticket, x.served) for w, x in engine.windows.items()}
    return {"day": engine.day, "tickets": tickets, "windows": windows}


def replayed(cfg, service: BrokerService) -> dict:
    """The state a fresh service rebuilds from the same store."""
    other = build_broker(cfg, with_link=False, store=service.store)
    other._replay()
    return snapshot(other.engine)


@pytest.fixture
def service(hall_cfg):
    """A loaded service with windows w1 (rs01, rs02) and w2 (bdc01, bdc02; rs01) open."""
    s = build_broker(hall_cfg, with_link=False)
    s.load()
    for dev in ("counter1", "counter2"):
        assert s.handle(dev, cmd(id="open", op="open", staff="s1"))["ok"]
    yield s
    s.store.close()


def cmd(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_deeply_nested_json_is_refused_alone_within_its_batch(service, hall_cfg):
    batch = [
        ("kiosk1", cmd(id="k1", op="issue", service="rs01")),
        ("kiosk1", NESTED),
        ("kiosk1", cmd(id="k2", op="issue", service="rs01")),
    ]
    replies = service.handle_batch(batch)
    assert [r["ok"] for r in replies] == [True, False, True]
    assert replies[1]["error"] == "bad_payload"
    assert replies[0]["ticket"] == "A001" and replies[2]["ticket"] == "A002"
    assert replayed(hall_cfg, service) == snapshot(service.engine)
    # the kiosk's retry of k1 is answered from the store: no phantom second ticket
    again = service.handle("kiosk1", cmd(id="k1", op="issue", service="rs01"))
    assert again == replies[0]
    assert sorted(service.engine.tickets) == ["A001", "A002"]


@pytest.mark.parametrize(
    "payload",
    [
        b'{"id": "n1", "op": "issue", "service": "rs01", "junk": ' + NESTED + b"}",
        b'{"op": "issue", "x": ' + b"[" * 1800 + b"]" * 1800 + b', "id": "n1"}',
        b'{"id": "n1", "op": "set_services", "window": "w1", "services": {"rs01": '
        + NESTED
        + b"}}",
    ],
)
def test_nesting_inside_a_command_keeps_its_id(service, payload):
    reply = service.handle("kiosk1", payload)
    assert reply["ok"] is False and reply["error"] == "bad_payload"
    assert reply["id"] == "n1"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b'{"id": "r1", "op": "issue", "service": "rs01"', "bad_json"),
        (b'{"id": "r1", "op": "issue", "service": "rs01", "x": 1e999}', "bad_payload"),
        (b'{"id": "r1", "op": "issue", "service": "' + b"x" * 5000 + b'"}', "too_large"),
    ],
)
def test_refusals_carry_a_readable_id(service, payload, code):
    reply = service.handle("kiosk1", payload)
    assert (reply["error"], reply["id"]) == (code, "r1")


def test_an_unexpected_exception_is_that_commands_internal_refusal(service, hall_cfg, monkeypatch):
    def broken(e, c, dev, window, now):
        # half-applies a change to memory, then fails: memory must not keep it
        e.apply(Event("window_paused", now, {"window": window, "reason": "half"}))
        raise RuntimeError("defect")

    monkeypatch.setitem(handlers.HANDLERS, "recall", broken)
    replies = service.handle_batch(
        [
            ("kiosk1", cmd(id="k1", op="issue", service="rs01")),
            ("counter1", cmd(id="r", op="recall")),
            ("counter1", cmd(id="c", op="call_next")),
        ]
    )
    assert replies[0]["ok"] and replies[2]["ok"] and replies[2]["ticket"] == "A001"
    assert replies[1] == {
        "id": "r",
        "ok": False,
        "error": "internal",
        "message": "internal error",
        "opens_at": None,
    }
    assert service.engine.windows["w1"].status.value == "open"
    assert replayed(hall_cfg, service) == snapshot(service.engine)


def test_a_failing_batch_is_refused_whole_and_memory_is_the_store(service, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("tick defect")

    monkeypatch.setattr(service, "_tick", boom)
    answered = service._answer(("kiosk1", cmd(id="k1", op="issue", service="rs01")))
    replies = [reply for _command, reply in answered]
    refused = {
        "id": "k1",
        "ok": False,
        "error": "internal",
        "message": "not saved; retry",
        "opens_at": None,
    }
    assert replies == [refused]
    assert service.engine.tickets == {}
    monkeypatch.undo()
    assert service.handle("kiosk1", cmd(id="k1", op="issue", service="rs01"))["ok"]


def test_a_publish_failure_after_the_commit_still_replies(service, monkeypatch):
    monkeypatch.setattr(service.publisher, "after", lambda *a: 1 / 0)
    reply = service.handle("kiosk1", cmd(id="k1", op="issue", service="rs01"))
    assert reply["ok"] and reply["ticket"] == "A001"


def test_a_store_with_an_unapplicable_event_is_replayed_without_it(hall_cfg, caplog):
    s = build_broker(hall_cfg, with_link=False)
    s.load()
    s.handle("counter1", cmd(id="o", op="open"))
    assert s.handle("kiosk1", cmd(id="k1", op="issue", service="rs01"))["ok"]
    # what defect 1 used to leave behind: a call of a ticket that was never issued
    s.store.append([Event("ticket_called", 1.0, {"ticket": "A999", "window": "w1"})], s.engine.day)
    bad_row = s.store.db.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    s.store.close()

    again = build_broker(hall_cfg, with_link=False)
    with caplog.at_level(logging.ERROR):
        again.load()
    try:
        assert [f.seq for f in again.replay_faults] == [bad_row]
        assert f"event row {bad_row} (ticket_called)" in caplog.text
        assert "A001" in again.engine.tickets
        hall = again.publisher._hall(2.0)
        assert hall.replay_faults[0].seq == bad_row
        # and it keeps serving
        r = again.handle("kiosk1", cmd(id="k2", op="issue", service="rs01"))
        assert r["ok"] and r["ticket"] == "A002"
    finally:
        again.store.close()


def test_a_row_that_is_not_json_is_reported_not_fatal(hall_cfg):
    s = build_broker(hall_cfg, with_link=False)
    s.load()
    s.store.db.execute(
        "INSERT INTO events(day, at, kind, data) VALUES (?,?,?,?)", (s.engine.day, 1, "x", "{")
    )
    s.store.close()
    again = build_broker(hall_cfg, with_link=False)
    again.load()
    try:
        assert [f.kind for f in again.replay_faults] == ["x"]
    finally:
        again.store.close()


# ----------------------------------------------------------------- who may do what (14)
def test_a_counter_may_call_or_cancel_only_what_its_window_serves(service):
    send = lambda dev, **f: service.handle(dev, cmd(**f))  # noqa: E731
    bdc = send("kiosk1", id="k1", op="issue", service="bdc01")["ticket"]
    rs = send("kiosk1", id="k2", op="issue", service="rs01")["ticket"]
    # w1 serves rs01/rs02 only
    assert send("counter1", id="c1", op="call", ticket=bdc)["error"] == "forbidden"
    assert send("counter1", id="c2", op="cancel", ticket=bdc)["error"] == "forbidden"
    # 特呼 by number within what the window serves (w2 has rs01 as secondary)
    assert send("counter2", id="c3", op="call", ticket=rs)["ticket"] == rs
    # a manager may cancel any ticket
    assert send("board", id="b1", op="cancel", ticket=bdc)["ok"]


def test_a_kiosk_may_not_report_the_print_of_another_devices_ticket(service):
    send = lambda dev, **f: service.handle(dev, cmd(**f))  # noqa: E731
    t = send("board", id="b1", op="issue", service="rs01", confirm=True)["ticket"]
    r = send("kiosk1", id="p1", op="print_result", ticket=t, ok=False)
    assert r["error"] == "forbidden"
    assert service.engine.tickets[t].state.value == "issued"
    own = send("kiosk1", id="k1", op="issue", service="rs01", confirm=True)["ticket"]
    assert send("kiosk1", id="p2", op="print_result", ticket=own, ok=True)["ok"]


@pytest.mark.parametrize(
    ("staff", "ok"),
    [
        ("S07", True),
        ("张三", True),
        ("wang.li-2", True),
        ('=HYPERLINK("http://x.cn","S07")', False),
        ("+1", False),
        ("-2", False),
        ("@SUM(A1)", False),
        ("\tS07", False),
        ("S07\r", False),
    ],
)
def test_staff_ids_follow_the_documented_pattern(service, staff, ok):
    reply = service.handle("counter3", cmd(id="o", op="open", staff=staff))
    assert reply["ok"] is ok
    if not ok:
        assert reply["error"] == "bad_payload"


# ----------------------------------------------------------------- presence and logs (10, 11)
def test_an_oversized_presence_is_ignored(service):
    service._on_presence("hallq/testhall/presence/kiosk1", b'{"online": true}')
    big = json.dumps({"online": False, "junk": "x" * 50_000}).encode()
    service._on_presence("hallq/testhall/presence/kiosk1", big)
    assert service.presence["kiosk1"] == {"online": True}


def test_log_lines_cannot_be_forged_with_control_characters():
    record = logging.LogRecord(
        "broker", logging.WARNING, __file__, 1, "bad command from %s: %s", None, None
    )
    record.args = ("kiosk1", "op 'x\n2026-12-01 INFO board: manager logged in\x00\u2028'")
    line = SafeFormatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "\x00" not in line and "\u2028" not in line
    assert "x\\n2026-12-01 INFO board: manager logged in\\x00\\u2028" in line
