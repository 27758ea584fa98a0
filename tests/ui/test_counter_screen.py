"""The counter screen under SDL offscreen, against real Mosquitto and the broker service.

The scenario runs in a subprocess (tests/ui/counter_driver.py): Kivy starts once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hallq.core.model import TicketState, WindowStatus

DRIVER = Path(__file__).parent / "counter_driver.py"
ROOT = Path(__file__).resolve().parents[2]


def issue(device: Callable, service: str, n: int) -> list[str]:  # type: ignore[type-arg]
    """Tickets need a window that is not closed: counter3 opens and pauses w3 to take them."""
    _l3, counter3 = device("counter3")
    counter3.send("open", staff="S003")
    counter3.send("pause", reason="test")
    _link, client = device("kiosk1")
    return [client.send("issue", service=service).ticket for _ in range(n)]


def run_driver(
    cfg_source: str, device_id: str, out: Path, tmp: Path, scenario: str = "day"
) -> dict[str, object]:
    env = {
        **os.environ,
        "KIVY_HOME": str(tmp / "kivy"),
        "KIVY_NO_ARGS": "1",
        "SDL_VIDEODRIVER": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, str(DRIVER), cfg_source, device_id, str(out), scenario],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"driver printed no result (rc {proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(lines[-1])


@pytest.mark.ui
def test_staff_day_on_the_screen(broker, device, artifacts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tickets = issue(device, "rs01", 3)
    assert tickets == ["A001", "A002", "A003"]
    out = artifacts("counter")
    result = run_driver(broker.cfg.source, "counter1", out, tmp_path)
    assert result["ok"], result["error"]
    engine = broker.service.engine
    a1, a2, a3 = (engine.tickets[t] for t in tickets)
    assert a1.state is TicketState.DONE and a1.started_at is not None  # F1, start, F1 again
    assert a1.calls == 1  # the double F1 called once
    assert a2.state is TicketState.WAITING and a2.service == "bdc02"  # transferred by picker
    assert a3.state is TicketState.WAITING  # never called: the double press did not skip it
    assert engine.windows["w1"].status is WindowStatus.CLOSED
    shots = [Path(p) for p in result["shots"]]  # type: ignore[attr-defined]
    for shot in ("signin", "open", "called", "transfer_picker", "paused", "signed_out"):
        path = out / f"counter_{shot}.png"
        assert path in shots, f"{shot} not taken this run: {shots}"
        assert path.stat().st_size > 10_000
