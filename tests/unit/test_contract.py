"""The wire contract (hallq/contract.py): one struct per payload, the document generated from
it, and today's format kept (a recorded day of payloads from tests/data/wire/)."""

import importlib.util
import json
from pathlib import Path

import msgspec
import pytest

from hallq import contract as c
from hallq import contract_doc

WIRE = Path(__file__).resolve().parent.parent / "data" / "wire"
KINDS = {
    "state/window": c.WindowState,
    "state/window_services": c.WindowServices,
    "state/service": c.ServiceState,
    "state/hall": c.HallState,
    "state/advice": c.Advice,
    "state/cases": c.CasesState,
    "state/joint": c.JointState,
    "event/called": c.CalledEvent,
    "event/finished": c.FinishedEvent,
    "event/checked_in": c.CheckedInEvent,
    "event/issued": c.IssuedEvent,
    "event/rated": c.RatedEvent,
    "presence": c.Presence,
}
# topics the service gained after the v1 recording (extensions: v1 readers never see them)
ADDED_AFTER_V1 = {
    "event/checked_in",
    "state/cases",
    "state/joint",
    "event/issued",
    "event/rated",
    "state/window_services",
}


def added_after_v1(row: dict) -> bool:
    return "/".join(row["topic"].split("/")[2:4]) in ADDED_AFTER_V1


def kind_of(topic: str):
    parts = topic.split("/")[2:]
    return KINDS.get("/".join(parts[:2])) or KINDS.get(parts[0])


def recorded(name: str = "v1.jsonl") -> list[dict]:
    return [json.loads(line) for line in (WIRE / name).read_text(encoding="utf-8").splitlines()]


def decode_any(topic: str, payload) -> msgspec.Struct:
    raw = json.dumps(payload).encode()
    if "/reply/" in topic:
        return c.decode_reply(raw)
    return c.decode(raw, kind_of(topic))


def test_the_protocol_document_is_generated_from_the_structs():
    text = contract_doc.DOC.read_text(encoding="utf-8")
    begin, end = text.find(contract_doc.BEGIN), text.find(contract_doc.END)
    assert begin >= 0 and end > begin, "docs/protocol.md lost its contract markers"
    written = text[begin : end + len(contract_doc.END)]
    assert written == contract_doc.render(), "run: python -m hallq.contract_doc"


@pytest.mark.parametrize("row", recorded(), ids=lambda r: r["topic"].split("/", 2)[2])
def test_every_recorded_v1_payload_still_decodes_and_keeps_every_field(row):
    """Third-party integrations were written against these payloads: every one decodes with
    today's structs, and encoding it back loses no field and changes no value."""
    obj = decode_any(row["topic"], row["payload"])
    back = msgspec.to_builtins(obj)
    assert {k: back[k] for k in row["payload"]} == row["payload"]


def test_readers_tolerate_fields_a_newer_service_adds():
    newer = {"window": "w1", "status": "open", "queue_hint": {"x": [1]}, "v2_field": 3}
    w = c.decode(json.dumps(newer).encode(), c.WindowState)
    assert w.status == "open" and w.window == "w1"
    reply = {"id": "x", "ok": True, "op": "issue", "ticket": "A001", "service": "rs01", "new": 1}
    assert c.decode_reply(json.dumps(reply).encode()).ticket == "A001"


def test_wrong_types_are_refused_with_the_key_path():
    with pytest.raises(msgspec.ValidationError, match=r"\$\.waiting"):
        c.decode(b'{"service": "rs01", "waiting": "many"}', c.ServiceState)


def test_replies_decode_to_the_ops_struct_or_the_refusal():
    ok = c.decode_reply(b'{"id": "a", "ok": true, "op": "transfer", "ticket": "A1", "from": "x"}')
    assert isinstance(ok, c.TransferOk) and ok.from_ == "x"
    err = c.decode_reply(b'{"id": null, "ok": false, "error": "bad_json", "message": "m"}')
    assert isinstance(err, c.ErrorReply) and err.error == "bad_json"


def by_topic(rows: list[dict]) -> list[dict]:
    """Rows in topic order, keeping the order within each topic (a stable sort)."""
    return sorted(rows, key=lambda r: r["topic"])


def test_the_service_publishes_todays_format_and_nothing_undocumented():
    """The scripted day through the current service: each payload keeps every field and value
    of the v1 recording (it may add documented fields), and carries only struct fields."""
    spec = importlib.util.spec_from_file_location("wire_record", WIRE / "record.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    today, then = module.run(), recorded()
    for row in filter(added_after_v1, today):
        decode_any(row["topic"], row["payload"])  # documented, and only documented fields
    now = [r for r in today if not added_after_v1(r)]
    assert len(now) < len(today)  # the booking's check-in was published
    # MQTT orders messages per topic, and so does the contract: compare topic by topic (the
    # service publishes a call's event before the retained state it changes)
    now, then = by_topic(now), by_topic(then)
    assert [r["topic"] for r in now] == [r["topic"] for r in then]
    for new, old in zip(now, then, strict=True):
        assert {k: new["payload"].get(k) for k in old["payload"]} == old["payload"], new["topic"]
        obj = decode_any(new["topic"], new["payload"])
        known = {f.encode_name for f in msgspec.structs.fields(obj)}
        extra = set(new["payload"]) - known - {"op"}
        assert not extra, f"{new['topic']} publishes undocumented fields {extra}"
