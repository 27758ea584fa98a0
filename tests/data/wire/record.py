"""Records the wire payloads of a scripted hall day into wire/v1.jsonl (run once per format).

The recording is the backward-compatibility fixture: tests decode every recorded payload with
today's contract structs, so an integration written against that format keeps working. Run:
``python tests/data/wire/record.py`` (writes next to this file). Fixed clock: reproducible."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/ for halls.py

from halls import write_test_hall  # noqa: E402

from broker.service import BrokerService  # noqa: E402
from hallq.config import BrokerDevice, load_config, require_role  # noqa: E402
from hallq.core.engine import Engine  # noqa: E402
from hallq.store import EventStore  # noqa: E402

NOW = 1_795_820_000.0
SCRIPT = [
    ("counter1", {"op": "open", "staff": "S01"}),
    ("counter2", {"op": "open", "staff": "S02"}),
    ("kiosk1", {"op": "issue", "service": "rs01"}),
    ("kiosk1", {"op": "issue", "service": "rs01", "priority": "elderly"}),
    ("kiosk1", {"op": "issue", "service": "bdc01", "confirm": True}),
    ("kiosk1", {"op": "print_result", "ticket": "B001", "ok": True}),
    ("kiosk1", {"op": "issue", "service": "rs02", "appointment": "@BOOKING@"}),
    ("counter1", {"op": "call_next"}),
    ("counter1", {"op": "recall"}),
    ("counter1", {"op": "start"}),
    ("counter1", {"op": "finish"}),
    ("eval1", {"op": "evaluate", "ticket": "A002", "score": 5}),
    ("counter1", {"op": "call_next"}),
    ("counter1", {"op": "no_show"}),
    ("counter2", {"op": "call_next"}),
    ("counter2", {"op": "transfer", "service": "rs01"}),
    ("counter1", {"op": "call_next"}),
    ("counter1", {"op": "hold"}),
    ("counter1", {"op": "call", "ticket": "B001"}),
    ("board", {"op": "set_priority_ratio", "ratio": 3, "by": "manager"}),
    ("board", {"op": "set_services", "window": "w3", "services": {"rs01": "primary"}}),
    ("counter2", {"op": "pause", "reason": "lunch"}),
    ("counter2", {"op": "resume"}),
    ("board", {"op": "cancel", "ticket": "A003", "reason": "left"}),
    ("counter2", {"op": "close"}),
    ("display1", {"op": "status"}),
    ("kiosk1", {"op": "issue", "service": "nope"}),
    ("counter3", {"op": "call_next"}),
    ("kiosk1", {"op": "call_next"}),
]


class Recorder:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.is_connected = True

    def publish(self, topic: str, payload, *, retain: bool = False, qos: int = 1) -> bool:
        self.rows.append({"topic": topic, "retain": retain, "payload": payload})
        return True


def run() -> list[dict]:
    """The scripted day through today's service: every published payload and reply, in order
    (payloads as the plain JSON values that go on the wire)."""
    cfg = load_config(_with_region(write_test_hall(Path(tempfile.mkdtemp()))))
    clock = [NOW]
    rec = Recorder()
    store = EventStore(cfg.resolve(require_role(cfg, None, BrokerDevice).store))
    engine = Engine(cfg.layout())
    # only publish() is used (a recording never starts the service)
    service = BrokerService(cfg, store=store, engine=engine, link=rec, clock=lambda: clock[0])  # type: ignore[arg-type]
    service.load()
    service.publisher.publish_all(NOW, force=True)
    for n, (device, body) in enumerate(SCRIPT, start=1):
        clock[0] += 30
        sent = dict(body)
        if sent.get("appointment") == "@BOOKING@":  # a real booking for this very slot
            sent["appointment"] = _booking_code(clock[0], sent["service"])
        reply = service.handle(device, json.dumps({"id": f"c{n}", **sent}).encode())
        rec.rows.append(
            {"topic": f"hallq/testhall/reply/{device}", "retain": False, "payload": reply}
        )
    # presence as devices publish it today (hallq/mqtt.py + the kiosk's printer field)
    for device, extra in [("kiosk1", {"printer": "ok"}), ("counter1", {}), ("display1", {})]:
        body = {"online": True, "since": NOW, "device": device, **extra}
        rec.rows.append(
            {"topic": f"hallq/testhall/presence/{device}", "retain": True, "payload": body}
        )
    rec.rows.append(
        {"topic": "hallq/testhall/presence/kiosk1", "retain": True, "payload": {"online": False}}
    )
    service.store.close()
    return [{**row, "payload": json.loads(_encode(row["payload"]))} for row in rec.rows]


KEY = bytes(range(32))


def _with_region(path: Path) -> Path:
    """The test hall linked to a region, with a fixed booking key (issue 13)."""
    (path.parent / "booking.key").write_text(KEY.hex())
    text = path.read_text(encoding="utf-8")
    text += '\n[region]\nid = "region"\nhost = "127.0.0.1"\nhall_no = 0\n'
    text += 'booking_key_file = "booking.key"\n'
    path.write_text(text, encoding="utf-8")
    return path


def _booking_code(at: float, service: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hallq.booking import Slot, make_code

    local = datetime.fromtimestamp(at, ZoneInfo("Asia/Shanghai"))
    start = (local.hour * 60 + local.minute) // 5 * 5
    return make_code(KEY, "testhall", service, Slot(0, local.date(), start, 30, 1))


def _encode(payload) -> bytes:
    from hallq.protocol import encode

    return encode(payload)


def main() -> None:
    rows = run()
    out = HERE / "v1.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} payloads -> {out}")


if __name__ == "__main__":
    main()
