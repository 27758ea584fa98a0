"""The worker's batches: commands decided as they arrive, one commit for all that came close
together, the retained state once for a burst (issue 15, goal 2)."""

from __future__ import annotations

import json
import threading

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


def test_the_worker_publishes_state_once_for_commands_that_keep_coming(service, monkeypatch):
    """Replies go out per batch; the retained state of a burst once, after the last one."""
    monkeypatch.setattr("broker.service.MAX_BATCH", 10)  # the 40 commands: four batches
    link = service.link
    service.ha.active.set()
    for i in range(40):
        service._inbox.put(("kiosk1", cmd(id=f"k{i}", op="issue", service="rs01")))
    link.published.clear()
    worker = threading.Thread(target=service._work_loop, daemon=True)
    worker.start()
    try:
        for _ in range(200):
            replies = [t for t, _p in link.published if t.endswith("/reply/kiosk1")]
            if len(replies) == 40:
                break
            threading.Event().wait(0.01)
        service._stop.wait(0.3)
    finally:
        service._stop.set()
        worker.join(5)
    topics = [t for t, _p in link.published]
    replies = [i for i, t in enumerate(topics) if t.endswith("/reply/kiosk1")]
    states = [i for i, t in enumerate(topics) if t.endswith("/state/service/rs01")]
    assert len(replies) == 40
    assert len(states) >= 1
    assert states[0] > replies[-1]  # after every reply of the burst
    last = json.loads(encode(link.published[states[-1]][1]))
    assert last["waiting"] == 40
