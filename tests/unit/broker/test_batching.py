"""The worker's batches: commands decided as they arrive, one commit for all that came close
together, the retained state once for a burst (issue 15, goal 2)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from app.bootstrap import build_broker
from hallq.fakes import FakeLink
from hallq.protocol import encode


def cmd(**fields) -> bytes:
    return json.dumps(fields).encode()


@pytest.fixture
def service(hall_cfg):
    s = build_broker(hall_cfg, with_link=False)
    s.link = FakeLink(hall_cfg.hall.id, device="hallq")
    s.link.go_online()
    s.load()
    for dev in ("counter1", "counter2"):
        assert s.handle(dev, cmd(id="open", op="open", staff="s1"))["ok"]
    yield s
    s.store.close()


def count_commits(service, monkeypatch) -> list[int]:
    commits: list[int] = []
    append = service.store.append

    def counted(events, *a, **k):
        commits.append(len(list(k.get("commands", ()))))
        return append(events, *a, **k)

    monkeypatch.setattr(service.store, "append", counted)
    return commits


def test_commands_waiting_behind_the_first_share_its_commit(service, monkeypatch):
    commits = count_commits(service, monkeypatch)
    for i in range(1, 6):
        service._inbox.put(("kiosk1", cmd(id=f"k{i}", op="issue", service="rs01")))
    answered = service._answer(("kiosk1", cmd(id="k0", op="issue", service="rs01")))
    assert [r["ticket"] for _c, r in answered] == [f"A00{i}" for i in range(1, 7)]
    assert commits == [6]  # one fsync for the six
    assert service._inbox.empty()


def test_a_command_arriving_while_the_batch_is_decided_joins_it(service, monkeypatch):
    commits = count_commits(service, monkeypatch)
    one = service._one

    def slow_first(device, payload, now, answered):  # the next press lands meanwhile
        if b'"k0"' in payload:
            service._inbox.put(("counter1", cmd(id="c1", op="call_next")))
        return one(device, payload, now, answered)

    monkeypatch.setattr(service, "_one", slow_first)
    answered = service._answer(("kiosk1", cmd(id="k0", op="issue", service="rs01")))
    assert [r["id"] for _c, r in answered] == ["k0", "c1"]
    assert answered[1][1]["ticket"] == "A001"  # the call saw the issue decided before it
    assert commits == [2]


def test_a_batch_is_refused_whole_when_the_store_cannot_be_written(service, monkeypatch):
    from hallq.store import StoreGone

    monkeypatch.setattr(service.store_watch, "refusal", lambda: StoreGone("store deleted"))
    service._inbox.put(("kiosk1", cmd(id="k1", op="issue", service="rs01")))
    answered = service._answer(("kiosk1", cmd(id="k0", op="issue", service="rs01")))
    assert [(r["id"], r["ok"], r["error"]) for _c, r in answered] == [
        ("k0", False, "internal"),
        ("k1", False, "internal"),
    ]
    assert service.engine.tickets == {}


@pytest.fixture
def live(service):
    """The service as it runs: paho's thread decides on arrival, the hall is held."""
    service._on_arrival = True
    service.ha.active.set()
    return service


def replies_reach(link, n: int, topic_part: str, timeout: float = 5.0) -> None:
    """Until ``n`` replies went out (or the timeout), then a moment for what follows them."""
    deadline = time.monotonic() + timeout
    while sum(topic_part in t for t, _p in link.published) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)


def deliver(svc, device: str, **fields) -> None:
    svc._on_cmd(svc.topics.cmd(device), cmd(**fields))


def test_commands_are_decided_on_arrival_and_stored_and_answered_together(live, monkeypatch):
    commits = count_commits(live, monkeypatch)
    stored = live.store.count()  # the windows' openings
    link = live.link
    link.published.clear()
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")
    deliver(live, "counter1", id="c1", op="call_next")
    assert live.engine.tickets  # decided in memory at once ...
    assert commits == [] and live.store.count() == stored  # ... not stored nor said yet
    assert not any(t.endswith("/event/called") for t, _p in link.published)
    answered = live._close_when_quiet()
    assert [(c[0], r["ok"]) for c, r in answered] == [("kiosk1", True), ("counter1", True)]
    assert commits == [2]  # one fsync for both
    assert any(t.endswith("/event/called") for t, _p in link.published)


def test_a_tick_waits_for_the_open_batch_so_store_and_memory_keep_one_order(live, monkeypatch):
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")
    ticked: list[float] = []
    monkeypatch.setattr(live.engine, "tick", lambda now: ticked.append(now) or [])
    live._tick()
    assert ticked == []  # not while decided events wait for their commit
    live._close_when_quiet()
    live._tick()
    assert len(ticked) == 1


def test_no_retained_state_while_memory_is_ahead_of_the_store(live):
    link = live.link
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")
    live._pending = ([], 0.0, True)
    link.published.clear()
    live._publish_state()
    assert link.published == []  # the issue is decided but not stored: nothing shown
    live._close_when_quiet()
    live._publish_state()
    assert any("/state/" in t for t, _p in link.published)


def test_a_failed_commit_refuses_the_open_batch_and_memory_is_the_store(live, monkeypatch):
    from hallq.store import StoreError

    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")

    def fail(*_a, **_k):
        raise StoreError("disk on fire")

    monkeypatch.setattr(live.store, "append", fail)
    answered = live._close_when_quiet()
    assert [(r["ok"], r["error"]) for _c, r in answered] == [(False, "internal")]
    assert live.engine.tickets == {}  # the decision is gone with its commit
    monkeypatch.undo()
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")  # the kiosk's retry
    assert [r["ticket"] for _c, r in live._close_when_quiet()] == ["A001"]


def test_the_synchronous_path_stores_an_open_batch_first(live):
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")
    reply = live.handle("kiosk1", cmd(id="k2", op="issue", service="rs01"))
    assert reply["ticket"] == "A002"
    assert [e.data.get("ticket") for e in live.store.events() if e.kind == "ticket_issued"] == [
        "A001",
        "A002",
    ]


def test_state_waits_for_a_batch_already_open_but_not_for_long(live):
    live.handle("kiosk1", cmd(id="k0", op="issue", service="rs01"))
    live._pending = ([], 0.0, True)
    assert live._state_due(0.0)  # nothing more decided: the state goes now
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")  # a burst goes on
    assert not live._state_due(0.0)
    assert live._state_due(10.0)  # but not for ever (and _publish_state waits for the commit)
    live._pending = ([], 0.0, False)
    assert not live._state_due(10.0)  # nothing changed: nothing to publish


def test_the_worker_answers_a_burst_and_publishes_the_state_after_its_replies(live):
    link = live.link
    link.published.clear()
    worker = threading.Thread(target=live._work_loop, daemon=True)
    worker.start()
    try:
        for i in range(30):
            deliver(live, "kiosk1", id=f"k{i}", op="issue", service="rs01")
        replies_reach(link, 30, "/reply/kiosk1")
    finally:
        live._stop.set()
        worker.join(5)
    topics = [t for t, _p in link.published]
    replies = [i for i, t in enumerate(topics) if t.endswith("/reply/kiosk1")]
    states = [i for i, t in enumerate(topics) if t.endswith("/state/service/rs01")]
    assert len(replies) == 30 and states
    assert states[-1] > replies[-1]  # the last state after the last reply ...
    last = json.loads(encode(link.published[states[-1]][1]))
    assert last["waiting"] == 30  # ... and it covers the whole burst


def test_commands_from_many_threads_end_stored_in_the_order_memory_has_them(live, hall_cfg):
    """Four devices pressing at once, as paho's thread would hand them over (one at a
    time, under the service's lock), while the worker commits: every command answered once,
    and a fresh replay of the store is the live state (memory never ran ahead for good)."""
    from test_hardening import replayed, snapshot

    link = live.link
    worker = threading.Thread(target=live._work_loop, daemon=True)
    worker.start()
    sends = {
        "kiosk1": [dict(op="issue", service=s) for s in ("rs01", "rs02", "bdc01") * 20],
        "kiosk2": [dict(op="issue", service=s) for s in ("bdc02", "rs01") * 20],
        "counter1": [dict(op=op) for op in ("call_next", "finish") * 20],
        "counter2": [dict(op=op) for op in ("call_next", "no_show", "call_next", "finish") * 8],
    }
    lock = threading.Lock()  # paho delivers one message at a time

    def press(device: str) -> None:
        for i, fields in enumerate(sends[device]):
            with lock:
                deliver(live, device, id=f"{device}-{i}", **fields)
            threading.Event().wait(0.0003 * (i % 3))

    pressers = [threading.Thread(target=press, args=(d,)) for d in sends]
    try:
        for t in pressers:
            t.start()
        for t in pressers:
            t.join(30)
        expected = sum(len(v) for v in sends.values())
        replies_reach(link, expected, "/reply/")
    finally:
        live._stop.set()
        worker.join(5)
    ids = [json.loads(encode(p))["id"] for t, p in link.published if "/reply/" in t]
    assert sorted(ids) == sorted(f"{d}-{i}" for d, v in sends.items() for i in range(len(v)))
    assert live._open is None
    assert replayed(hall_cfg, live) == snapshot(live.engine)


def test_with_a_sync_standby_paho_s_thread_never_waits_for_the_worker_s_lock(live, monkeypatch):
    """In sync mode the worker holds the lock while the standby's ack is awaited, and that
    ack is read by paho's thread: a command arriving then must queue, not block."""
    monkeypatch.setattr(live.ha, "commit_waits_for_mqtt", lambda: True)
    held, release = threading.Event(), threading.Event()

    def worker_commit() -> None:
        with live._lock:
            held.set()
            release.wait(5)

    t = threading.Thread(target=worker_commit)
    t.start()
    held.wait(5)
    deliver(live, "kiosk1", id="k1", op="issue", service="rs01")
    # back while the worker still holds the lock (had it waited, the worker would have let
    # go after 5 s and k1 would sit in an open batch): queued, nothing decided
    assert not release.is_set() and live._open is None and live._inbox.qsize() == 1
    release.set()
    t.join(5)
    deliver(live, "kiosk1", id="k2", op="issue", service="rs01")  # after k1, in order
    assert live._inbox.qsize() == 2
    answered = live._answer_queued()
    assert [r["ticket"] for _c, r in answered] == ["A001", "A002"]
