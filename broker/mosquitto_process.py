"""A Mosquitto child process on a written config: started, waited for until it listens, stopped.

Production runs Mosquitto as a system service; this is for the demos, tests and benchmarks:
one hall's (app/localmqtt.py's ``LocalMosquitto``) and the region test fabric's
(region/fabric.py). Its stderr goes to ``mosquitto.stderr`` beside the conf, and its log (the
conf's ``log_dest``) is ``mosquitto.log`` there: an unread pipe can fill up and block it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from hallq.errors import HallqError


class MosquittoNotFound(HallqError, FileNotFoundError):
    """No mosquitto binary: install the Debian package 'mosquitto'."""


class MosquittoFailed(HallqError, RuntimeError):
    """Mosquitto exited or did not listen in time; the message quotes its log."""


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()),
        None,
    )
    if found is None:
        raise MosquittoNotFound("mosquitto not found: apt-get install mosquitto")
    return found


class MosquittoProcess:
    """Mosquitto on ``conf``, listening on ``host:port``; ``prefix`` runs it elsewhere (e.g.
    ``ip netns exec <ns>``: then whether it listens is asked in that namespace)."""

    def __init__(self, conf: Path, host: str, port: int, prefix: Sequence[str] = ()) -> None:
        self.conf, self.host, self.port, self.prefix = conf, host, port, list(prefix)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> MosquittoProcess:
        self._run(timeout)
        return self

    def _run(self, timeout: float, preexec_fn: Callable[[], None] | None = None) -> None:
        binary = mosquitto_binary()
        err = open(self.conf.with_name("mosquitto.stderr"), "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*self.prefix, binary, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=preexec_fn,  # noqa: PLW1509 - the caller's choice (see die_with_parent)
        )
        err.close()  # the child has its own copy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise MosquittoFailed(f"mosquitto exited: {self.log_tail()}")
            if self._listening():
                return
            time.sleep(0.05)
        raise MosquittoFailed(f"mosquitto not listening on {self.port}: {self.log_tail()}")

    def _listening(self) -> bool:
        if self.prefix:  # in another network namespace: ask it
            probe = ["ss", "-Hltn", f"sport = :{self.port}"]
            out = subprocess.run([*self.prefix, *probe], capture_output=True, check=False)
            return bool(out.stdout.strip())
        try:
            with socket.create_connection((self.host, self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def log_tail(self, n: int = 2000) -> str:
        text = ""
        for name in ("mosquitto.log", "mosquitto.stderr"):
            f = self.conf.with_name(name)
            if f.exists():
                text += f.read_text(errors="replace")[-n:]
        return text.strip()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """Stop abruptly (tests of the devices' offline paths)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
