"""The real kiosk app against a real Mosquitto and the real broker service.

The app runs in a subprocess (tests/ui/kiosk_driver.py --live) with a FakePrinter; the test
checks that the ticket the printer got is the one the service issued and now holds as printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hallq.config import load_config
from hallq.localmqtt import free_port

DRIVER = Path(__file__).resolve().parents[1] / "ui" / "kiosk_driver.py"
pytestmark = pytest.mark.ui


def drive(scenario: str, cfg_path: str, shots: Path, *extra: str) -> dict:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    env["XDG_STATE_HOME"] = str(Path(cfg_path).parent / "state")  # the print-result outbox
    cmd = [
        sys.executable,
        str(DRIVER),
        scenario,
        "--config",
        cfg_path,
        "--size",
        "1280x800",
        "--shots",
        str(shots),
        "--live",
        *extra,
    ]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=180, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"no result (rc {proc.returncode}):\n{proc.stderr[-3000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    failed = [c["what"] for c in result["checks"] if not c["ok"]]
    assert result["passed"], f"{scenario}: failed {failed} {result.get('error', '')}"
    return result


def test_tap_to_printed_ticket_matches_the_service(mosquitto, broker, device, artifacts):
    _link, counter = device("counter1")
    counter.send("open")
    board_link, _ = device("board")
    presence: list[dict] = []
    seen = threading.Event()

    def on_presence(_t: str, payload: bytes) -> None:
        presence.append(json.loads(payload))
        seen.set()

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
    assert result["printed"] == [result["ticket"]]


def test_mosquitto_unreachable(tmp_path, artifacts):
    from halls import write_test_hall

    cfg = load_config(write_test_hall(tmp_path, port=free_port()))
    drive("live_no_mosquitto", cfg.source, artifacts("kiosk"))
