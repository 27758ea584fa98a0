"""Wall display benchmark: call -> pixels on screen, and the display's idle CPU and memory.

Run: python benchmarks/bench_display.py [--calls 30] [--idle 20] [--size 1920x1080]
The hall is examples/hall.toml (76 windows, 147 services) on a private Mosquitto; the broker
service runs as its own process; the display runs as its own process (tests/ui/display_driver.py,
SDL offscreen). Latency of one call is split into: counter press -> event at the display
process, -> screen updated on Kivy's main thread, -> that frame swapped to the screen.
Baselines from the same run: the bare MQTT request/reply round trip, and an idle Kivy window
holding one static label (what any Kivy screen costs before our display adds anything).
Note: here Kivy draws with Mesa llvmpipe (software); a Pi draws with its GPU.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))

from bench_broker import connect, fmt, raw_round_trip
from display_proc import DisplayProc

from app.localmqtt import LocalMosquitto, private_hall
from hallq.client import CommandClient

ROOT = Path(__file__).resolve().parent.parent
BARE_KIVY = """
import os, sys
os.environ["KIVY_NO_ARGS"] = "1"
from hardware.screen import prepare_screen
w, h = sys.argv[1].split("x")
prepare_screen((int(w), int(h)))
from kivy.app import App
from kivy.uix.label import Label
class Bare(App):
    def build(self):
        print("ready", flush=True)
        return Label(text="叫号 A001", font_size=200)
Bare().run()
"""


def cpu_and_rss(pid: int, seconds: float) -> tuple[float, float]:
    """Mean CPU (% of one core) over ``seconds`` and resident memory (MB) at the end."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu_s() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    c0, t0 = cpu_s(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu_s(), time.monotonic()
    rss_kb = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())[1])
    return 100 * (c1 - c0) / (t1 - t0), rss_kb / 1024


def kivy_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KIVY_HOME": str(tmp / "kivy"),
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_CONSOLELOG": "1",
        "SDL_VIDEODRIVER": "offscreen",
        "PYTHONPATH": str(ROOT),
    }


def bare_kivy_idle(tmp: Path, size: str, seconds: float) -> tuple[float, float]:
    script = tmp / "bare_kivy.py"
    script.write_text(BARE_KIVY, encoding="utf-8")
    err = (tmp / "bare_kivy.stderr").open("w")
    p = subprocess.Popen(
        [sys.executable, str(script), size],
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
        env=kivy_env(tmp),
    )
    assert p.stdout is not None
    if p.stdout.readline().strip() != "ready":
        raise SystemExit(f"bare Kivy did not start: see {err.name}")
    time.sleep(2)
    try:
        return cpu_and_rss(p.pid, seconds)
    finally:
        p.kill()
        p.wait()


def call_latencies(d: DisplayProc, counter: CommandClient, n: int) -> dict[str, list[float]]:
    parts: dict[str, list[float]] = {"to_process": [], "to_widgets": [], "to_screen": [], "all": []}
    for _ in range(n):
        t0 = time.monotonic()
        ticket = counter.send("call_next").ticket
        arrived = d.wait_for("arrived", lambda e, t=ticket: e["ticket"] == t)
        shown = d.wait_for("shown", lambda e, t=ticket: e["latest"] == t and e["highlighted"])
        flipped = d.wait_for("flipped", lambda e, t=ticket: e["ticket"] == t)
        parts["to_process"].append(arrived["t"] - t0)
        parts["to_widgets"].append(shown["t"] - arrived["t"])
        parts["to_screen"].append(flipped["t"] - shown["t"])
        parts["all"].append(flipped["t"] - t0)
        time.sleep(0.3)
    return parts


def long_notice(cfg: object, tmp: Path) -> str:
    """A copy of the hall config whose notice is too long to fit: it must scroll."""
    src = Path(cfg.source)  # type: ignore[attr-defined]
    text = src.read_text(encoding="utf-8")
    notice = cfg.hall.notice  # type: ignore[attr-defined]
    out = tmp / "hall-long-notice.toml"
    out.write_text(text.replace(notice, "　".join([notice] * 4), 1), encoding="utf-8")
    return str(out)


def start_hall(tmp: Path) -> tuple[object, LocalMosquitto, subprocess.Popen[bytes]]:
    cfg = private_hall(ROOT / "examples" / "hall.toml", tmp, always_open=True)
    mosquitto = LocalMosquitto(cfg, tmp / "mosquitto").start()
    log = str(tmp / "broker.log")
    broker = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--log-file", log, "broker", "--config", cfg.source]
    )
    return cfg, mosquitto, broker


def ready_counter(cfg: object, calls: int) -> CommandClient:
    """counter01 open, with enough tickets waiting for its window's first service."""
    counter_dev = next(d for d in cfg.devices if d.id == "counter01")  # type: ignore[attr-defined]
    service = cfg.window(counter_dev.window).primary[0]  # type: ignore[attr-defined]
    kiosk, counter = CommandClient(connect(cfg, "kiosk1")), CommandClient(connect(cfg, "counter01"))
    for _ in range(100):  # wait for the broker service
        try:
            counter.send("open", staff="S01", timeout=0.5, retries=0)
            break
        except Exception:
            time.sleep(0.2)
    for _ in range(calls + 1):
        kiosk.send("issue", service=service)
    return counter


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--idle", type=float, default=20.0)
    ap.add_argument("--size", default="1920x1080")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hallq-bench-display-"))
    cfg, mosquitto, broker = start_hall(tmp)
    try:
        counter = ready_counter(cfg, args.calls)
        rtt = raw_round_trip(cfg, 200)
        with DisplayProc(cfg.source, "display-hall", args.size, tmp) as d:  # type: ignore[attr-defined]
            d.wait_for("shown", lambda e: not e["offline"])
            lat = call_latencies(d, counter, args.calls)
            time.sleep(8)  # the last call's highlight ends; the screen settles (notice fits)
            idle_cpu, idle_rss = cpu_and_rss(d.proc.pid, args.idle)
        with DisplayProc(long_notice(cfg, tmp), "display-hall", args.size, tmp) as d:
            d.wait_for("shown", lambda e: not e["offline"])
            time.sleep(3)
            scroll_cpu, scroll_rss = cpu_and_rss(d.proc.pid, args.idle)
        bare_cpu, bare_rss = bare_kivy_idle(tmp, args.size, args.idle)
    finally:
        broker.terminate()
        broker.wait()
        mosquitto.stop()
    print(f"hallq display benchmark — {cfg.hall.name}, {args.size}, {args.calls} calls")  # type: ignore[attr-defined]
    print(f"  baseline MQTT request/reply  {fmt(rtt)}")
    print(f"  press -> event at display    {fmt(lat['to_process'])}")
    print(f"  event -> widgets updated     {fmt(lat['to_widgets'])}")
    print(f"  widgets -> frame on screen   {fmt(lat['to_screen'])}")
    print(f"  press -> pixels on screen    {fmt(lat['all'])}")
    idle = f"CPU {idle_cpu:5.1f} % of a core, RSS {idle_rss:6.1f} MB"
    print(f"  idle display ({args.idle:.0f} s)       {idle}")
    scroll = f"CPU {scroll_cpu:5.1f} % of a core, RSS {scroll_rss:6.1f} MB"
    print(f"  idle, notice scrolling       {scroll}")
    print(f"  baseline bare Kivy label     CPU {bare_cpu:5.1f} % of a core, RSS {bare_rss:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
