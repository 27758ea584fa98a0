"""Runs the real kiosk app (SDL offscreen) through one scenario; prints a JSON result line.

Run through tests/ui/kiosk_run.py (UI tests, live tests, the benchmark), one subprocess per
scenario (Kivy does not start twice in one process). Taps are real touch events at widget
coordinates; screenshots go to --shots. Usage:
    kiosk_driver.py SCENARIO --config hall.toml --size 1280x800 --shots DIR [--live]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

T_START = time.perf_counter()  # start-to-ready counts from here, before Kivy is imported

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivyhome"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests/: kiosk_service


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--config", required=True)
    ap.add_argument("--device", default="kiosk1")
    ap.add_argument("--size", default="1280x800")
    ap.add_argument("--shots", default="")
    ap.add_argument("--live", action="store_true", help="real Mosquitto + broker service")
    ap.add_argument("--own-broker", action="store_true", help="run the broker service here")
    return ap.parse_args()


ARGS = parse()
W, H = (int(v) for v in ARGS.size.split("x"))

from kivy.config import Config  # noqa: E402

Config.set("graphics", "width", str(W))
Config.set("graphics", "height", str(H))
Config.set("graphics", "resizable", "0")

from kiosk_scenarios import SCENARIOS, Harness  # noqa: E402


def main() -> int:
    harness = Harness(ARGS, W, H, T_START)
    result: dict = {"scenario": ARGS.scenario, "size": ARGS.size}
    t0 = time.perf_counter()
    try:
        harness.start(SCENARIOS[ARGS.scenario], result)
    except Exception:
        result["error"] = traceback.format_exc()
    result["elapsed_s"] = round(time.perf_counter() - t0, 3)
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if result.get("passed") and "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
