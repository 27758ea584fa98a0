"""Fuzz of the command path (hypothesis): hostile payloads mixed with real commands.

Asserted for every batch: exactly one reply per command, each a well-formed reply; nothing is
in memory that the store does not hold (a fresh replay of the store equals live state); and at
the end the store replays without a single skipped row."""

import json
import tempfile
from pathlib import Path

from halls import write_test_hall
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_hardening import snapshot

from app.bootstrap import build_broker
from hallq.config import load_config

CFG = load_config(write_test_hall(Path(tempfile.mkdtemp(prefix="hallq-fuzz-"))))
DEVICES = ["kiosk1", "counter1", "counter2", "counter3", "eval1", "board", "display1", "nobody"]
OPS = ["issue", "call_next", "call", "recall", "start", "no_show", "finish", "hold", "cancel"]
ids = st.text("abc123", min_size=1, max_size=3)
tickets = st.sampled_from(["A001", "A002", "B001", "C001", "Z999"])

valid = st.builds(
    lambda op, i, svc, t, score: {
        "id": i,
        "op": op,
        **({"service": svc} if op in ("issue", "transfer") else {}),
        **({"ticket": t} if op in ("call", "cancel", "evaluate") else {}),
        **({"score": score} if op == "evaluate" else {}),
    },
    st.sampled_from([*OPS, "open", "transfer", "evaluate", "status"]),
    ids,
    st.sampled_from(["rs01", "rs02", "bdc01", "bdc02", "nope"]),
    tickets,
    st.integers(0, 6),
).map(lambda d: json.dumps(d).encode())

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
hostile = st.one_of(
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 1500).map(lambda n: b'{"id":"d","op":"issue","service":' + b"[" * n),
    st.integers(1, 1300).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.sampled_from(
        [
            b'{"id":"h","op":"issue","service":"rs01","priority":' + b"9" * 500 + b"}",
            b'{"id":"h","op":"evaluate","ticket":"A001","score":NaN}',
            b'{"id":"h","op":"evaluate","ticket":"A001","score":1e400}',
            b'{"id":"h","op":"issue","service":"\\ud800"}',
            b'{"id":"\\u0000\\n","op":"issue","service":"rs01"}',
            b'{"id":"h","op":"open","staff":"=cmd|\' /C calc\'!A0"}',
            b'{"id":"h","op":"issue\\n2026 INFO forged","service":"rs01"}',
            b"\xff\xfe\x00\x01",
            b"",
            b"null",
            b'"id"',
        ]
    ),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
    st.dictionaries(st.sampled_from(["id", "op", "service", "ticket"]), json_values).map(
        lambda d: json.dumps(d).encode()
    ),
)
batches = st.lists(
    st.lists(st.tuples(st.sampled_from(DEVICES), valid | hostile), min_size=1, max_size=12),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batches)
@example(
    [
        [
            ("kiosk1", b'{"id":"k1","op":"issue","service":"rs01"}'),
            ("kiosk1", b"[" * 1200 + b"]" * 1200),
            ("counter1", b'{"id":"c1","op":"call_next"}'),
        ],
        [("kiosk1", b'{"id":"k1","op":"issue","service":"rs01"}')],
    ]
)
def test_every_command_gets_one_reply_and_memory_never_leads_the_store(runs):
    with tempfile.TemporaryDirectory() as tmp:
        service = build_broker(CFG, with_link=False, store=_store(Path(tmp)))
        service.load()
        for dev in ("counter1", "counter2"):
            service.handle(dev, b'{"id":"o","op":"open","staff":"s1"}')
        for batch in runs:
            replies = service.handle_batch(batch)
            assert len(replies) == len(batch)
            for reply in replies:
                assert isinstance(reply["ok"], bool)
                assert reply["ok"] or (reply["error"] and reply["message"])
                assert reply.get("error") != "internal"
            fresh = build_broker(CFG, with_link=False, store=service.store)
            fresh._replay()
            assert fresh.replay_faults == []
            assert snapshot(fresh.engine) == snapshot(service.engine)
        service.store.close()


def _store(folder: Path):
    from hallq.store import EventStore

    return EventStore(folder / "fuzz.db")
