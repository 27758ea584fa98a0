"""Two kiosks issue tickets for 10 (simulated) minutes while the queue service is down
(kill -9), against a real Mosquitto; the service restarts and every ticket reaches its queue in
issue order, no number doubled, and every citizen is called (issue 14 item 2).

The service runs as its own process (``hallq``'s build_broker, as ``hallq broker`` does) with its
clock shifted by ``offset`` seconds: it is started at +0, killed, and restarted at +660 s. The
kiosks are their controllers (no Kivy) with real MqttLinks, FakePrinters and their state dirs;
their clocks move forward a minute before each offline ticket.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from halls import write_test_hall
from live_hall import ROOT, WAIT_S, LiveHall, LiveKiosk, wait_online, wait_until

from app.localmqtt import LocalMosquitto
from hallq.client import Refused
from hallq.config import load_config
from hallq.store import EventStore
from hardware.escpos_codec import encode_ticket
from hardware.escpos_decode import decode
from hardware.ticket_render import render_png
from kiosk import outbox as outbox_module
from kiosk.outcome import OutcomeKind

RUN_SERVICE = (
    "import sys, threading, time\n"
    "from app.bootstrap import build_broker\n"
    "from hallq.config import load_config\n"
    "offset = float(sys.argv[2])\n"
    "s = build_broker(load_config(sys.argv[1]), clock=lambda: time.time() + offset)\n"
    "s.start()\n"
    "threading.Event().wait()\n"
)


class Clock:
    """The hall's simulated time: real time plus ``offset``."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self.offset)


class Service:
    def __init__(self, cfg_path: Path) -> None:
        self.cfg_path, self.proc = cfg_path, None

    def start(self, offset: float) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", RUN_SERVICE, str(self.cfg_path), str(offset)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)  # no goodbye: its last will says it is gone
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def hall(tmp_path):
    path = write_test_hall(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write('\n[[devices]]\nid = "kiosk2"\nrole = "kiosk"\nprinter = { type = "dummy" }\n')
    cfg = load_config(path)
    live = LiveHall(cfg, tmp_path, LocalMosquitto(cfg, tmp_path / "mqtt").start())
    service = live.keep(Service(path))
    try:
        yield live, service
    finally:
        live.close()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(outbox_module, "SEND_TIMEOUT_S", 1.0)


def ten_minutes_offline(kiosks: list[LiveKiosk], clock: Clock) -> list[tuple[float, str, str]]:
    """A ticket a minute, the two kiosks in turn: (kiosk time, number, service) in order."""
    issued = []
    for minute in range(1, 11):
        clock.offset = 60.0 * minute
        k = kiosks[minute % 2]
        code = "rs01" if minute % 3 else "bdc01"
        o = k.ticket(code)
        assert o.kind is OutcomeKind.PRINTED and o.offline, o
        issued.append((clock.now().timestamp(), o.ticket, code))
    return issued


def call_everyone(counters, service_of: dict[str, str]) -> dict[str, list[str]]:
    """call_next + finish at each window until nobody waits: the numbers called per service."""
    called: dict[str, list[str]] = {"rs01": [], "bdc01": []}
    for client in counters:
        while True:
            try:
                reply = client.send("call_next", timeout=3)
            except Refused as exc:
                assert exc.reply.error == "queue_empty", exc
                break
            called[service_of[reply.ticket]].append(reply.ticket)
            client.send("finish", timeout=3)
    return called


def test_two_kiosks_offline_for_ten_minutes_then_every_ticket_queues_and_is_called(
    hall, tmp_path, artifacts
):
    live, service = hall
    cfg = live.cfg
    clock = Clock()
    service.start(0.0)
    counters = {w: live.client(d) for w, d in (("w1", "counter1"), ("w2", "counter2"))}
    wait_online(counters["w1"], WAIT_S)
    for c in counters.values():
        c.send("open")
    kiosks = [live.kiosk(k, clock=clock.now) for k in ("kiosk1", "kiosk2")]
    for k in kiosks:
        wait_until(
            f"{k.link.device} ready with leased numbers",
            lambda k=k: (
                k.c.state.blocked is None
                and k.c.leases.available("A", k.c.business_day()) > 0
                and k.c.leases.available("B", k.c.business_day()) > 0
            ),
        )
    online = kiosks[0].ticket("rs01")
    assert online.kind is OutcomeKind.PRINTED and not online.offline

    service.kill()
    for k in kiosks:
        wait_until("offline issuing", lambda k=k: k.c.state.is_offline_issuing, 10)
    issued = ten_minutes_offline(kiosks, clock)
    numbers = [n for _t, n, _s in issued]
    assert len(set(numbers + [online.ticket])) == 11  # none doubled on paper
    last = kiosks[1].printer  # the last offline ticket, as its bytes went to the printer
    decoded = decode(encode_ticket(last.tickets[-1], last.layout))
    assert "离线取号 issued offline" in decoded.lines
    assert any(line.startswith("离线前预计等待约") for line in decoded.lines)
    render_png(decoded, artifacts("kiosk") / "offline_ticket.png")

    clock.offset = 660.0
    service.start(660.0)  # ten minutes later the service is back, on the same store
    for k in kiosks:
        wait_until("the offline tickets went in", lambda k=k: k.c.offline.pending == [], 40)
        wait_until(
            "back online",
            lambda k=k: k.c.state.blocked is None and not k.c.state.is_offline_issuing,
        )
    service_of = {n: s for _t, n, s in issued} | {online.ticket: "rs01"}
    called = call_everyone(counters.values(), service_of)
    by_time = sorted(issued)
    assert called["rs01"] == [online.ticket] + [n for _t, n, s in by_time if s == "rs01"]
    assert called["bdc01"] == [n for _t, n, s in by_time if s == "bdc01"]
    service.stop()
    store = EventStore(cfg.resolve(cfg.device("hallq").store)).open()
    tickets = Counter(e.data["ticket"] for e in store.events() if e.kind == "ticket_issued")
    store.close()
    assert set(tickets) == set(numbers) | {online.ticket}
    assert max(tickets.values()) == 1  # no number doubled in the store either
