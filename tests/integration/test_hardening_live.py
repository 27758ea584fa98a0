"""A hostile command through a real Mosquitto does not stop the hall (issue "Hardening", 1).

A kiosk's credentials are enough to publish 1,200 nested brackets; before the fix the whole
batch got no reply, earlier commands were applied in memory but never stored, and the store
then crash-looped the service on restart."""

import json
import queue

from hallq.protocol import Topics

NESTED = b"[" * 1200 + b"]" * 1200


def test_a_nested_payload_among_real_commands_through_mosquitto(broker, device):
    topics = Topics("testhall")
    _counter, cc = device("counter1")
    cc.send("open", staff="s1")
    kiosk, kc = device("kiosk1")
    replies: queue.Queue = queue.Queue()
    kiosk.subscribe(topics.reply("kiosk1"), lambda _t, p: replies.put(json.loads(p)))
    # three commands published back to back, so the service meets them in one batch
    for payload in (
        b'{"id": "k1", "op": "issue", "service": "rs01"}',
        NESTED,
        b'{"id": "k2", "op": "issue", "service": "rs01"}',
    ):
        assert kiosk.publish(topics.cmd("kiosk1"), payload)
    got = {}
    for _ in range(3):
        r = replies.get(timeout=5)
        got[r["id"]] = r
    assert got["k1"]["ticket"] == "A001" and got["k2"]["ticket"] == "A002"
    assert got[None]["error"] == "bad_payload"
    # the kiosk's retry of k1 is the same ticket, not a phantom new one
    assert kc.send("issue", service="rs01", cmd_id="k1").ticket == "A001"
    assert cc.send("call_next").ticket == "A001"

    service = broker.restart()
    assert service.replay_faults == []
    assert sorted(service.engine.tickets) == ["A001", "A002"]
    assert service.engine.tickets["A001"].state.value == "called"
    assert kc.send("issue", service="rs01", timeout=10).ticket == "A003"
