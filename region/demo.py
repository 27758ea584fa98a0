"""``hallq demo --region``: a county centre and its township halls on this one machine.

Writes a small region under ``--dir``/region (region/fabric.py: ``region.toml``, one
``<hall>/hall.toml`` per hall, bridge passwords and booking keys), starts the region's
Mosquitto, then every hall as its own ``hallq demo`` process (its Mosquitto bridged to the
region, its service, its board, simulated citizens and staff, headless), and serves the region
service and board here on ``--board-port``. A county login is made and printed.

SIGTERM or Ctrl-C stops every process it started: each hall's demo gets SIGTERM and stops its
own children (app/demo.py), then the region's board and Mosquitto stop.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from board.users import Users
from broker.mosquitto_process import MosquittoProcess

from .fabric import free_port, write_region
from .server import RegionServer
from .service import RegionService

log = logging.getLogger(__name__)
COUNTY_USER = "county"


class Stop(Exception):
    """SIGTERM: leave the wait and stop everything started."""


def _raise_stop(_signum: int, _frame: object) -> None:
    raise Stop


def _hall_demo(hall_toml: Path, args: argparse.Namespace, windows: int) -> subprocess.Popen[bytes]:
    folder = hall_toml.parent
    out = open(folder / "demo.log", "ab")  # noqa: SIM115 - lives as long as the child
    argv = [
        *(sys.executable, "-m", "app.cli", "demo", "--config", str(hall_toml)),
        *("--dir", str(folder / "run"), "--no-gui", "--board-port", "0"),
        *("--windows", str(windows), "--arrival-s", str(args.arrival_s)),
        *("--speed", str(args.speed)),
    ]
    return subprocess.Popen(argv, stdout=out, stderr=out)


def _county_login(users_file: Path, run_dir: Path) -> str:
    saved = run_dir / "county-password.txt"
    users = Users(users_file)
    if COUNTY_USER not in users.load() or not saved.exists():
        password = secrets.token_urlsafe(9)
        users.add(COUNTY_USER, password)
        saved.write_text(password + "\n", encoding="utf-8")
        saved.chmod(0o600)
    return saved.read_text(encoding="utf-8").strip()


def _stop_hall(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start(args: argparse.Namespace, undo: list[Callable[[], object]]) -> tuple[RegionServer, str]:
    """Everything, in order; each thing started puts its stop on ``undo``."""
    root = Path(args.dir).resolve() / "region"
    region, halls = write_region(root, townships=args.townships)
    mqtt = MosquittoProcess(
        region.resolve("mosquitto/mosquitto.conf"), region.mqtt.host, region.mqtt.port
    )
    undo.append(mqtt.stop)
    mqtt.start()
    for cfg in halls:
        windows = len(cfg.windows) if args.windows <= 0 else min(args.windows, len(cfg.windows))
        proc = _hall_demo(Path(cfg.source), args, windows)
        undo.append(lambda p=proc: _stop_hall(p))
    password = _county_login(region.resolve(region.board.users_file), root)
    port = args.board_port or free_port()
    server = RegionServer(RegionService(region), port)
    undo.append(server.stop)
    server.start()
    return server, password


def run(args: argparse.Namespace) -> int:
    """``hallq demo --region``: runs until SIGTERM, Ctrl-C or ``--seconds``."""
    undo: list[Callable[[], object]] = []
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        server, password = start(args, undo)
        print(
            "\n".join(
                [
                    f"hallq demo --region: county centre + {args.townships} townships",
                    f"  region board:   {server.url}/",
                    f"  region login:   {COUNTY_USER} / {password}",
                    f"  files and logs: {Path(args.dir).resolve() / 'region'}",
                    "  each hall runs as its own `hallq demo` (its board's URL in <hall>/demo.log)",
                    "  Ctrl-C or SIGTERM stops every hall",
                ]
            ),
            flush=True,
        )
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.5)
    except (KeyboardInterrupt, Stop):
        print("stopping the region…", flush=True)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut this short
        for step in reversed(undo):
            try:
                step()
            except Exception:  # keep stopping the rest
                log.exception("while stopping the region demo")
        signal.signal(signal.SIGTERM, previous)
    return 0
