"""The real kiosk app against a real Mosquitto and the real broker service.

The app runs in a subprocess (tests/ui/kiosk_driver.py --live) with a FakePrinter; the test
checks that the ticket the printer got is the one the service issued and now holds as printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ui import kiosk_run

from app.localmqtt import free_port
from hallq.config import load_config

pytestmark = pytest.mark.ui


def drive(scenario: str, cfg_path: str, shots: Path, *extra: str) -> dict:
    """The driver with the real app (--live); its print-result outbox beside the config."""
    state = {"XDG_STATE_HOME": str(Path(cfg_path).parent / "state")}
    return kiosk_run.drive(
        scenario, cfg_path, "1280x800", "--live", *extra, shots=shots, env=state, timeout=180
    )


def test_tap_to_printed_ticket_matches_the_service(mosquitto, broker, device, artifacts):
    _link, counter = device("counter1")
    counter.send("open")
    board_link, _ = device("board")
    presence: list[dict] = []

    def on_presence(_t: str, payload: bytes) -> None:
        presence.append(json.loads(payload))

    board_link.subscribe(board_link.topics.presence("kiosk1"), on_presence)
    result = drive("live_flow", mosquitto.cfg.source, artifacts("kiosk"))
    ticket = result["ticket"]
    assert result["printed"] == [ticket]
    t = broker.service.engine.tickets[ticket]
    assert t.service == "rs01"
    assert t.state.value == "waiting"  # printed, confirmed, queued (not cancelled)
    assert any(p.get("printer") == "ok" for p in presence), presence


def test_service_outage_and_recovery(mosquitto, artifacts):
    result = drive("live_outage", mosquitto.cfg.source, artifacts("kiosk"), "--own-broker")
    assert result["printed"] == [result["offline_ticket"], result["ticket"]]


def test_mosquitto_unreachable(tmp_path, artifacts):
    from halls import write_test_hall

    cfg = load_config(write_test_hall(tmp_path, port=free_port()))
    drive("live_no_mosquitto", cfg.source, artifacts("kiosk"))
