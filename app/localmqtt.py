"""Run a private Mosquitto for one hall on this machine (the demo, tests and benchmarks).

Production halls run Mosquitto as a system service with the files `hallq mqtt-config` writes;
this starts the same config as a child process, waits until it accepts connections, and stops
it again. Its log goes to a file (an unread pipe can fill up and block the broker).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from broker.mosquitto import MosquittoFiles, write_mosquitto_config
from broker.mosquitto_process import MosquittoProcess, mosquitto_binary
from hallq.config import HallConfig
from hallq.localnet import free_port


class LocalMosquitto(MosquittoProcess):
    """A Mosquitto child process configured for ``cfg`` (its mqtt.port on 127.0.0.1). ``on``:
    which of ``mqtt.hosts`` it is (all on 127.0.0.1, each its own port); the second bridges to
    the first with the first's passwords (from ``mqtt.credentials_dir``), as on a hall's
    second server Pi."""

    cfg: HallConfig

    def __init__(self, cfg: HallConfig, out_dir: str | Path, *, on: int = 0) -> None:
        self.cfg, self.on = cfg, on
        self.out_dir = Path(out_dir)
        self.files: MosquittoFiles | None = None
        port = cfg.mqtt.endpoints()[on][1]
        super().__init__(self.out_dir.resolve() / "mosquitto.conf", "127.0.0.1", port)

    def start(self, timeout: float = 10.0, *, tied: bool = False) -> LocalMosquitto:
        """Start Mosquitto; ``tied``: it dies with this process, even a ``kill -9`` of it
        (the demo; start it from the thread that lives as long as the process)."""
        mosquitto_binary()  # MosquittoNotFound before any file is written
        run_as = "root" if os.geteuid() == 0 else None
        if self.on:
            self._copy_credentials()
        self.files = write_mosquitto_config(self.cfg, self.out_dir, run_as=run_as, on=self.on)
        self.conf = self.files.conf
        self._run(timeout, die_with_parent if tied else None)
        return self

    def _copy_credentials(self) -> None:
        source = self.cfg.resolve(self.cfg.mqtt.credentials_dir)
        target = self.out_dir / "credentials"
        if source.resolve() != target.resolve() and source.is_dir():
            target.mkdir(parents=True, exist_ok=True, mode=0o700)
            for f in source.iterdir():
                shutil.copy2(f, target / f.name)


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child before exec: the kernel sends it SIGTERM when its parent dies, however the
    parent dies (SIGKILL included). Linux only; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Terminate a child and wait for it (kill it if it does not stop in ``timeout``)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def private_hall(
    src: str | Path,
    out_dir: str | Path,
    *,
    port: int | None = None,
    always_open: bool = False,
    ticket_qr: str | None = None,
    voice_everywhere: bool = False,
    mosquittos: int = 1,
) -> HallConfig:
    """A copy of a hall config for one machine: its own Mosquitto port, credentials, store
    and board users under ``out_dir`` (the demo and benchmarks); written as out_dir/hall.toml.
    ``always_open`` lifts opening hours, so a demo at night still takes tickets; ``ticket_qr``
    replaces the tickets' QR template (the demo points it at its own board's /q/ page);
    ``voice_everywhere`` gives every display the hall's first voice (the demo's wall speaks);
    ``mosquittos=2``: two Mosquittos on 127.0.0.1 in ``mqtt.hosts`` (start them with
    ``LocalMosquitto(cfg, dir, on=0)`` then ``on=1``), as on a hall's two server Pis."""
    import tomllib

    import tomli_w

    from hallq.config import load_config

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    raw = tomllib.loads(Path(src).read_text(encoding="utf-8"))
    mqtt = raw.setdefault("mqtt", {})
    mqtt["port"] = port or free_port()
    if mosquittos > 1:
        others = [free_port() for _ in range(mosquittos - 1)]
        mqtt["hosts"] = [f"127.0.0.1:{p}" for p in (mqtt["port"], *others)]
        mqtt.pop("websockets_port", None)  # one port for every host: fine on a LAN, not here
    mqtt["credentials_dir"] = str(out / "mosquitto" / "credentials")
    if mqtt.get("websockets_port"):
        mqtt["websockets_port"] = free_port()
    voices = [
        d["voice"] for d in raw.get("devices", []) if d.get("role") == "display" and "voice" in d
    ]
    for dev in raw.get("devices", []):
        if voice_everywhere and voices and dev.get("role") == "display" and "voice" not in dev:
            dev["voice"] = dict(voices[0])  # the demo's wall speaks (a few windows: it keeps up)
        if dev.get("role") == "broker":
            dev["store"] = str(out / "hallq.db")
        elif dev.get("role") == "board":
            dev["users_file"] = str(out / "board-users.json")
        elif dev.get("role") == "display" and "voice" in dev:
            dev["voice"]["cache_dir"] = str(out / "voice")
    if always_open:
        hall = raw["hall"]
        hall.update(
            opens="00:00",
            closes="24:00",
            weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        )
        raw.pop("calendar", None)  # no holidays, lunch or service hours either
    if ticket_qr is not None:
        raw["hall"]["ticket_qr"] = ticket_qr
    path = out / "hall.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return load_config(path)
