"""Run tests/ui/kiosk_driver.py in a fresh process and return its verdict (one Kivy per process).

Shared by tests/ui/test_kiosk_ui.py, tests/integration/test_kiosk_live.py (as ``ui.kiosk_run``)
and benchmarks/bench_kiosk.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).with_name("kiosk_driver.py")


def drive(
    scenario: str,
    cfg_path: str,
    size: str = "1280x800",
    *extra: str,
    shots: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> dict:
    """The driver's RESULT for ``scenario``; fails with its checks and stderr unless it passed."""
    cmd = [sys.executable, str(DRIVER), scenario, "--config", cfg_path, "--size", size, *extra]
    if shots is not None:
        cmd += ["--shots", str(shots)]
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1", **(env or {})}
    proc = subprocess.run(
        cmd, check=False, capture_output=True, text=True, timeout=timeout, env=env
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"driver printed no result (rc {proc.returncode}):\n{proc.stderr[-3000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    failed = [c["what"] for c in result["checks"] if not c["ok"]]
    assert result["passed"], f"{scenario} {size}: failed {failed} {result.get('error', '')}"
    assert proc.returncode == 0, f"{scenario} {size}: rc {proc.returncode}"
    return result
