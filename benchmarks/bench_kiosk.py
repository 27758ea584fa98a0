"""Kiosk: start-to-ready and tap-to-ticket-printed, against a real Mosquitto and broker service.

Each run starts the real kiosk app (SDL offscreen, FakePrinter) in a fresh process through
tests/ui/kiosk_driver.py live_flow; the broker service runs in this process.
  ready_s           process start -> home drawn with live, tappable tiles
  tap_to_printed_s  the tile's release -> the printer took the ticket and the screen has it
                    (issue round trip + print + main-thread hop)
Baselines measured in the same run: a bare Kivy window's start-to-first-frames, and one issue
round trip through Mosquitto with CommandClient alone.

    /tmp/venv/bin/python benchmarks/bench_kiosk.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from halls import write_test_hall  # noqa: E402
from ui.kiosk_run import drive  # noqa: E402

from app.bootstrap import build_broker  # noqa: E402
from app.localmqtt import LocalMosquitto  # noqa: E402
from hallq.client import CommandClient  # noqa: E402
from hallq.config import load_config  # noqa: E402
from hallq.mqtt import MqttLink  # noqa: E402

ENV = {
    **os.environ,
    "SDL_VIDEODRIVER": "offscreen",
    "KIVY_NO_ARGS": "1",
    "XDG_STATE_HOME": tempfile.mkdtemp(prefix="hallq-bench-state-"),
}
BARE_KIVY = """
import os, time, tempfile
t0 = time.perf_counter()
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp())
os.environ["KIVY_NO_CONSOLELOG"] = "1"
from kivy.app import App
from kivy.clock import Clock
from kivy.uix.label import Label
class A(App):
    def build(self):
        def check(_dt):
            if Clock.frames_displayed >= 3:
                print("READY", time.perf_counter() - t0); self.stop(); return False
        Clock.schedule_interval(check, 0)
        return Label(text="x")
A().run()
"""


def bare_kivy() -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BARE_KIVY)  # Kivy's App wants a source file (it looks for a .kv beside it)
    try:
        cmd = [sys.executable, f.name]
        out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, check=True, timeout=60)
    finally:
        os.unlink(f.name)
    return float(next(ln for ln in out.stdout.splitlines() if ln.startswith("READY")).split()[1])


def issue_round_trips(cfg, n: int) -> list[float]:
    link = MqttLink.from_config(cfg, "kiosk1")
    client = CommandClient(link)
    link.start()
    link.wait_for_connection(10)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        client.send("issue", service="rs01", priority=None, confirm=False)
        times.append(time.perf_counter() - t)
    link.stop()
    return times


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config(write_test_hall(Path(tmp)))
        mq = LocalMosquitto(cfg, Path(tmp) / "mqtt").start()
        broker = build_broker(cfg)
        broker.start()
        try:
            broker.handle("counter1", b'{"id":"bench-open","op":"open"}')
            results = [
                drive("live_flow", cfg.source, "1280x800", "--live", env=ENV) for _ in range(runs)
            ]
            bare = [bare_kivy() for _ in range(runs)]
            trips = issue_round_trips(cfg, 50)
        finally:
            broker.stop()
            mq.stop()
    print(f"kiosk runs: {runs} (1280x800, SDL offscreen, FakePrinter, real Mosquitto + broker)")
    print(f"start-to-ready         {ms([r['ready_s'] for r in results])}")
    print(f"  baseline: bare Kivy window to 3 frames  {ms(bare)}")
    print(f"tap-to-ticket-printed  {ms([r['tap_to_printed_s'] for r in results])}")
    print(f"  baseline: issue round trip, CommandClient alone (50x)  {ms(trips)}")


if __name__ == "__main__":
    main()
