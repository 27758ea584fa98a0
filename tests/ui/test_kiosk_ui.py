"""The real kiosk app (Kivy, SDL offscreen) driven by simulated touches, one process per run.

Each run executes tests/ui/kiosk_driver.py SCENARIO and checks its JSON verdict; screenshots
land in artifacts/kiosk/. The service is the in-memory FakeService (the real queue engine);
tests/integration/test_kiosk_live.py runs the same app against Mosquitto and the broker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("kiosk_driver.py")
pytestmark = pytest.mark.ui

ALL = [
    "zh_flow",
    "en_large",
    "appointment",
    "offline",
    "timeout",
    "paper_out",
    "print_failed",
    "closed",
    "multitouch",
    "idle",
    "scan",
]
OTHER_SIZES = [
    "zh_flow",
    "en_large",
    "offline",
    "paper_out",
    "print_failed",
    "closed",
    "appointment",
]


def drive(scenario: str, cfg_path: str, size: str, shots: Path, *extra: str) -> dict:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            str(DRIVER),
            scenario,
            "--config",
            cfg_path,
            "--size",
            size,
            "--shots",
            str(shots),
            *extra,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"driver printed no result (rc {proc.returncode}):\n{proc.stderr[-3000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    failed = [c["what"] for c in result["checks"] if not c["ok"]]
    assert result["passed"], f"{scenario} {size}: failed {failed} {result.get('error', '')}"
    assert proc.returncode == 0
    return result


@pytest.mark.parametrize("scenario", ALL)
def test_landscape_1280x800(scenario, hall_cfg, artifacts):
    result = drive(scenario, hall_cfg.source, "1280x800", artifacts("kiosk"))
    for shot in result["shots"]:
        assert Path(shot).stat().st_size > 5000, shot


@pytest.mark.parametrize("size", ["1080x1920", "800x480"])
@pytest.mark.parametrize("scenario", OTHER_SIZES)
def test_other_sizes(scenario, size, hall_cfg, artifacts):
    result = drive(scenario, hall_cfg.source, size, artifacts("kiosk"))
    assert result["shots"]


def test_big_example_hall_home(artifacts, tmp_path):
    """The 35-department example hall: tiles scroll, long names fit."""
    example = Path(__file__).resolve().parents[2] / "examples" / "hall.toml"
    for size in ("1080x1920", "800x480"):
        result = drive("big_hall", str(example), size, artifacts("kiosk"))
        assert result["shots"]
