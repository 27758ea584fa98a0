"""``hallq demo``: a whole hall on this one machine — the README's main command.

Starts a private Mosquitto, the broker service, the managers' board, simulated citizens taking
tickets and simulated staff calling them at many windows. On a desktop it also opens a kiosk
window and a wall display window; without a screen it runs headless and says where to look.
Everything lives under --dir (default ./run): config copy, database, Mosquitto files, logs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.bootstrap import build_broker
from app.localmqtt import (
    LocalMosquitto,
    die_with_parent,
    free_port,
    private_hall,
    stop_process,
)
from hallq.client import CommandClient, CommandError
from hallq.config import HallConfig
from hallq.logs import setup_logging
from hallq.mqtt import MqttLink

log = logging.getLogger(__name__)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hall.toml"


def _connect(cfg: HallConfig, device: str) -> tuple[MqttLink, CommandClient]:
    link = MqttLink.from_config(cfg, device)
    client = CommandClient(link)
    link.start()
    link.wait_for_connection(10)
    return link, client


class Citizens(threading.Thread):
    """Simulated arrivals at the kiosks: a ticket every few seconds, some with priority, and a
    share coming for a whole matter (一件事) that the staffed windows can serve stage by stage."""

    def __init__(
        self,
        cfg: HallConfig,
        services: list[str],
        rate_s: float,
        stop: threading.Event,
        *,
        matters: list[str] | None = None,
        matter_share: float = 0.15,
    ):
        super().__init__(name="citizens", daemon=True)
        self.cfg, self.services, self.rate_s, self.stop_event = cfg, services, rate_s, stop
        self.matters, self.matter_share = matters or [], matter_share
        self.rng = random.Random(7)

    def run(self) -> None:
        # the last kiosk: the first one is the kiosk window on a desktop, with its own
        # presence (printer status) that a second link of the same id would overwrite
        kiosk = [d.id for d in self.cfg.devices if d.role == "kiosk"][-1]
        _, client = _connect(self.cfg, kiosk)
        classes = [p.id for p in self.cfg.priority_classes if p.policy == "front"]
        while not self.stop_event.wait(self.rng.expovariate(1 / self.rate_s)):
            priority = self.rng.choice(classes) if classes and self.rng.random() < 0.1 else None
            if self.matters and self.rng.random() < self.matter_share:
                what = {"matter": self.rng.choice(self.matters)}
            else:
                what = {"service": self.rng.choice(self.services)}
            try:
                client.send("issue", priority=priority, **what)
            except CommandError as exc:
                log.info("simulated citizen could not take a ticket: %s", exc)


def _print_calls(cfg: HallConfig) -> MqttLink:
    """The hall's activity, live in the terminal (what the wall display shows)."""
    readers = [d.id for d in cfg.devices if d.role in ("led", "display")]
    link = MqttLink.from_config(cfg, readers[-1])  # not the display window's own id (first)

    def show(_topic: str, payload: bytes) -> None:
        ev = json.loads(payload)
        again = "（重呼 recall）" if ev.get("recall") else ""
        print(
            f"{time.strftime('%H:%M:%S')}  叫号 {ev['ticket']:>6} → {ev['window_name']}"
            f"  {ev['service_name']}{again}",
            flush=True,
        )

    link.subscribe(link.topics.event("called"), show)
    link.start()
    return link


def _windows_for_demo(cfg: HallConfig, count: int) -> list[str]:
    """The first ``count`` counters, plus a window for each service that the two matters
    closest to being servable still lack (so the demo shows a matter through every stage)."""
    counters = [d for d in cfg.devices if d.role == "counter"]
    chosen = [d.id for d in counters[:count]]
    served = {c for d in chosen for c in _services_of(cfg, d)}
    lacking = sorted(
        ({c for stage in m.stage_codes() for c in stage} - served for m in _steps(cfg)), key=len
    )
    for missing in lacking[:2]:
        for code in sorted(missing):
            extra = next((d.id for d in counters if code in _services_of(cfg, d.id)), None)
            if extra is not None and extra not in chosen:
                chosen.append(extra)
    return chosen


def _steps(cfg: HallConfig) -> list[Any]:
    return [m for m in cfg.matters if m.mode == "steps"]


def _servable_matters(cfg: HallConfig, served: set[str]) -> list[str]:
    """Matters every stage of which a staffed window serves."""
    return [m.id for m in _steps(cfg) if all(any(c in served for c in s) for s in m.stage_codes())]


def _launch_gui(cfg: HallConfig, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return []
    procs = []
    kiosk = next((d.id for d in cfg.devices if d.role == "kiosk"), None)
    display = next((d.id for d in cfg.devices if d.role == "display"), None)
    # windows, not full screen, so the kiosk and the 720p wall display sit side by side
    env = {
        **os.environ,
        "HALLQ_DISPLAY_WINDOW": "1280x720",
        "HALLQ_FULLSCREEN": "0",
        "XDG_STATE_HOME": str(log_dir / "state"),
    }  # the kiosk's print-result outbox
    for (role, device), left in zip(
        (("kiosk", kiosk), ("display", display)), (0, 640), strict=True
    ):
        if device is None:
            continue
        # Kivy reads KCFG_<section>_<key>: place the windows even without a window manager
        env = {
            **env,
            "KCFG_GRAPHICS_POSITION": "custom",
            "KCFG_GRAPHICS_LEFT": str(left),
            "KCFG_GRAPHICS_TOP": "0" if role == "kiosk" else "360",
        }
        out = open(log_dir / f"{role}.log", "ab")  # noqa: SIM115 - lives as long as the child
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "app.cli", role, "--config", cfg.source, "--id", device],
                stdout=out,
                stderr=out,
                env=env,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - started from the main thread
            )
        )
    return procs


def _board(cfg: HallConfig, log_dir: Path, port: int) -> subprocess.Popen[bytes]:
    out = open(log_dir / "board.log", "ab")  # noqa: SIM115 - lives as long as the child
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "board", "--config", cfg.source, "--port", str(port)],
        stdout=out,
        stderr=out,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - started from the main thread
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="hallq demo", description=__doc__)
    ap.add_argument("--config", default=str(EXAMPLE), help="hall config (default: the example)")
    ap.add_argument("--dir", default="run", help="where the demo keeps its files")
    ap.add_argument("--windows", type=int, default=16, help="simulated staffed windows")
    ap.add_argument("--arrival-s", type=float, default=3.0, help="mean seconds between tickets")
    ap.add_argument(
        "--matters", type=float, default=0.15, help="share of citizens coming for a 一件事 matter"
    )
    ap.add_argument("--speed", type=float, default=30.0, help="time speed-up of the staff")
    ap.add_argument("--board-port", type=int, default=8080)
    ap.add_argument("--real-hours", action="store_true", help="keep the hall's opening hours")
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: never)")
    ap.add_argument("--no-gui", action="store_true", help="no kiosk/display windows")
    ap.add_argument(
        "--region", action="store_true", help="a county centre and townships (region/demo.py)"
    )
    ap.add_argument("--townships", type=int, default=3, help="with --region: how many")
    return ap.parse_args(argv)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the demo like Ctrl-C: everything started stops


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.region:
        from region.demo import run

        return run(args)
    signal.signal(signal.SIGTERM, _interrupt)
    run_dir = Path(args.dir).resolve()
    # the board's port is chosen first: the tickets' QR codes open its /q/ page
    free = args.board_port and _port_free(args.board_port)
    args.board_port = args.board_port if free else free_port()
    qr = f"http://127.0.0.1:{args.board_port}/q/{{hall}}/{{ticket}}"
    cfg = private_hall(
        args.config,
        run_dir,
        always_open=not args.real_hours,
        ticket_qr=qr,
        voice_everywhere=True,
    )
    log_file = run_dir / "hallq.log"
    setup_logging(log_file=log_file)
    print(
        f"hallq demo — {cfg.hall.name}: {len(cfg.services)} services, "
        f"{len(cfg.windows)} windows; files in {run_dir}",
        flush=True,
    )
    undo: list[Callable[[], object]] = []  # whatever started is stopped, even on an error
    _stop_on_signals()
    try:
        port, gui, staffed = _start(cfg, args, run_dir, undo)
        _wait_listening(port, timeout=20)  # the URL printed next must answer
        _say_where(cfg, run_dir, port, log_file=log_file, gui=gui, staffed=staffed)
        if args.seconds:
            time.sleep(args.seconds)
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut this short
        for step in reversed(undo):
            step()
    return 0


def _stop_on_signals() -> None:
    """SIGTERM (timeout, kill, a supervisor) and SIGHUP (the terminal closed) stop the demo as
    Ctrl-C does, so every child is stopped; children also get SIGTERM from the kernel if this
    process dies without cleaning up (kill -9), see die_with_parent."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def _start(
    cfg: HallConfig, args: argparse.Namespace, run_dir: Path, undo: list[Callable[[], object]]
) -> tuple[int, list[subprocess.Popen[bytes]], list[str]]:
    mosquitto = LocalMosquitto(cfg, run_dir / "mosquitto")
    undo.append(mosquitto.stop)
    mosquitto.start(tied=True)
    service = build_broker(cfg)
    undo.append(service.stop)
    service.start()
    port = args.board_port  # chosen in main(), before the config the kiosks read
    board = _board(cfg, run_dir, port)
    undo.append(lambda: stop_process(board))
    stop = threading.Event()
    undo.append(stop.set)
    staffed = _windows_for_demo(cfg, args.windows)
    for person in _staff_and_raters(cfg, staffed, args.speed):
        undo.append(person.stop)
    time.sleep(1.0)
    served = sorted({c for d in staffed for c in _services_of(cfg, d)})
    matters = _servable_matters(cfg, set(served))
    Citizens(cfg, served, args.arrival_s, stop, matters=matters, matter_share=args.matters).start()
    undo.append(_print_calls(cfg).stop)
    gui = [] if args.no_gui else _launch_gui(cfg, run_dir)
    undo += [lambda p=p: stop_process(p) for p in gui]
    return port, gui, staffed


def _say_where(
    cfg: HallConfig, run_dir: Path, port: int, *, log_file: Path, gui: list[Any], staffed: list[str]
) -> None:
    lines = [
        f"  board (live queue board):  http://127.0.0.1:{port}/",
        f"  board manager login:       {_demo_manager(cfg, run_dir)}",
        f"  log:                       {log_file}",
        f"  MQTT:                      127.0.0.1:{cfg.mqtt.port} (credentials in "
        f"{cfg.mqtt.credentials_dir})",
        "  kiosk and wall display windows opened"
        if gui
        else "  no screen: running headless (kiosk/display windows need a desktop)",
        f"  {len(staffed)} simulated windows are calling; Ctrl-C stops the hall",
    ]
    print("\n".join(lines), flush=True)


def _staff_and_raters(cfg: HallConfig, counters: list[str], speed: float) -> list[Any]:
    """Simulated staff (through the real counter controller) and evaluators at their windows."""
    from counter.simulated import SimulatedCounter, SimulatedEvaluator

    people: list[Any] = []
    for device in counters:
        people.append(SimulatedCounter(cfg, device, random.Random(device), speed))
        evaluator = getattr(cfg.device(device), "evaluator", None)
        if evaluator:
            people.append(SimulatedEvaluator(cfg, evaluator, random.Random(evaluator), speed))
    for person in people:
        person.start()
    return people


def _demo_manager(cfg: HallConfig, run_dir: Path) -> str:
    """A manager account for the demo's board (made once; its password kept in run_dir)."""
    import secrets

    from board.users import Users

    board = next((d for d in cfg.devices if d.role == "board"), None)
    if board is None:
        return "no board in this config"
    users = Users(cfg.resolve(getattr(board, "users_file", "board-users.json")))
    saved = run_dir / "manager-password.txt"
    if "manager" not in users.load() or not saved.exists():
        password = secrets.token_urlsafe(9)
        users.add("manager", password)
        saved.write_text(password + "\n", encoding="utf-8")
        saved.chmod(0o600)
    return f"manager / {saved.read_text(encoding='utf-8').strip()}  (saved in {saved})"


def _services_of(cfg: HallConfig, device_id: str) -> list[str]:
    window = cfg.window(getattr(cfg.device(device_id), "window", ""))
    return list(window.primary)


def _wait_listening(port: int, timeout: float) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    log.warning("the board is not listening on %s after %.0f s", port, timeout)


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
