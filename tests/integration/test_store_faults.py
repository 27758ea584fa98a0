"""Issue 17 (4, 5): a store that is deleted or cannot be written stops the acknowledging, says
why in the reply, the log and the broker's presence (the board's alert), and never kills the
service. The service with a real store in tmp_path; the last test live over Mosquitto with the
service as its own process (a SIGBUS would kill it)."""

import json
import logging
import signal
import subprocess
import sys
import threading

import pytest
from fsfaults import fill, immutable, read_only, small_disk

from app.bootstrap import build_broker
from board.alerts import Level, all_alerts
from board.state import BoardState
from hallq.client import CommandError, Refused
from hallq.contract import Presence, decode
from hallq.store import EventStore
from hallq.store_health import StoreStatus, companions


@pytest.fixture
def service(hall_cfg):
    s = build_broker(hall_cfg, with_link=False)
    reports = []
    s.store_watch.report = reports.append  # what would go to the service's presence
    s.reports = reports
    s.load()
    yield s
    s.store.close()


def send(s, device, **payload):
    return s.handle(device, json.dumps(payload).encode())


def issue(s, cmd_id):
    return send(s, "kiosk1", id=cmd_id, op="issue", service="rs01")


def test_a_deleted_store_stops_every_acknowledgement_and_says_why(hall_cfg, service, caplog):
    assert send(service, "counter1", id="o", op="open")["ok"]
    acked = [issue(service, f"k{i}")["ticket"] for i in range(3)]
    for f in companions(service.store.path):
        f.unlink()
    with caplog.at_level(logging.CRITICAL, logger="broker.store_watch"):
        after = [
            issue(service, "k9"),
            issue(service, "k9"),
            send(service, "counter1", id="c", op="call_next"),
        ]
    assert [r["ok"] for r in after] == [False, False, False]  # nothing acknowledged any more
    assert {r["error"] for r in after} == {"internal"}
    assert all("store file is gone" in r["message"] for r in after), after
    assert after[0]["id"] == "k9" and after[2]["id"] == "c"
    assert "EVENT STORE UNUSABLE" in caplog.text and "store file is gone" in caplog.text
    assert service.reports[-1]["status"] == "missing"
    service.store.close()
    # a restart finds an empty store: nothing acked since
    again = build_broker(hall_cfg, with_link=False)
    again.load()
    assert again.store.count() <= 1 and acked == ["A001", "A002", "A003"]
    again.store.close()


def test_an_immutable_store_is_refused_with_the_reason_and_recovers(service):
    assert send(service, "counter1", id="o", op="open")["ok"]
    assert issue(service, "k1")["ok"]
    with immutable(companions(service.store.path)):
        r = issue(service, "k2")
        assert (r["ok"], r["error"]) == (False, "internal")
        assert "immutable" in r["message"]
        assert service.reports[-1]["status"] == "unwritable"
    assert issue(service, "k2")["ticket"] == "A002"  # the same id, once writable again


def test_a_read_only_file_system_is_refused_with_the_reason(hall_cfg, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    s = build_broker(hall_cfg, with_link=False, store=EventStore(folder / "q.db"))
    s.load()
    try:
        assert send(s, "counter1", id="o", op="open")["ok"]
        with read_only(folder):
            r = issue(s, "k1")
            assert (r["error"], r["message"]) == (
                "internal",
                "not saved: read-only file system; retry",
            )
        r = issue(s, "k1")
        assert r["ok"], r
    finally:
        s.store.close()


def test_a_full_disk_is_refused_with_the_reason_and_nothing_is_applied(hall_cfg, tmp_path):
    with small_disk(tmp_path / "disk", kb=4096) as disk:
        s = build_broker(hall_cfg, with_link=False, store=EventStore(disk / "q.db"))
        s.load()
        try:
            assert send(s, "counter1", id="o", op="open")["ok"]
            ballast = fill(disk)
            refused = [issue(s, f"k{i}") for i in range(40)]
            assert {r.get("error") for r in refused} == {"internal"}
            assert "disk full" in refused[0]["message"]
            assert s.store.health().status is StoreStatus.DISK_FULL
            ballast.unlink()
            r = issue(s, "k0")
            assert r["ticket"] == "A001"  # the refused ones left no trace in memory
        finally:
            s.store.close()


def wait_for(condition, timeout=20.0):
    done = threading.Event()
    while not done.wait(0.05):
        value = condition()
        if value:
            return value
        timeout -= 0.05
        if timeout <= 0:
            raise AssertionError("timed out waiting")
    return None


def test_live_an_immutable_store_is_refused_without_killing_the_service(mosquitto, device):
    """The service as its own process over Mosquitto: chattr +i on its store was a SIGBUS (no
    reply, no log line); now the command is refused with the reason, the broker's presence
    carries the store status and the board raises its alarm; chattr -i and it serves again."""
    cfg = mosquitto.cfg
    broker_id = next(d.id for d in cfg.devices if d.role == "broker")
    store_path = cfg.resolve(cfg.device(broker_id).store)
    log_path = store_path.parent / "broker.stderr"
    with open(log_path, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "broker", "--config", str(cfg.source)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    board = BoardState({d.id: d.role for d in cfg.devices})
    try:
        link, kiosk = device("kiosk1")
        _, counter = device("counter1")
        link.subscribe(
            link.topics.presence(broker_id),
            lambda _t, payload: board.apply("presence", broker_id, decode(payload, Presence), 0.0),
        )
        wait_for(lambda: _try(counter, "open"))
        assert kiosk.send("issue", service="rs01").ticket == "A001"
        with immutable(companions(store_path)):
            with pytest.raises(Refused) as refused:
                kiosk.send("issue", service="rs01", cmd_id="k-immutable", retries=0)
            assert refused.value.code == "internal"
            assert "immutable" in str(refused.value)
            assert proc.poll() is None, "the service died: " + log_path.read_text()
            store = wait_for(lambda: board.devices.get(broker_id, {}).get("store"))
            assert store["status"] == "unwritable"
            alerts = [a for a in all_alerts(board.snapshot(), 0.0) if a.kind == "store"]
            assert [(a.level, a.key) for a in alerts] == [(Level.ALARM, broker_id)]
            assert alerts[0].zh.startswith("存储不可写")
        again = kiosk.send("issue", service="rs01", cmd_id="k-immutable", retries=0)
        assert again.ticket == "A002"
        assert "EVENT STORE UNUSABLE" in log_path.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def _try(client, op):
    try:
        return client.send(op, timeout=0.5, retries=0)
    except CommandError:
        return None
