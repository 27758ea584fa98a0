"""`hallq demo` stops every child with it: on SIGTERM, SIGINT, and when it is killed outright."""

import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest


def children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += sorted(kids - found)
            found |= kids
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has stopped; only its parent has not reaped it yet


def port_free(port: int) -> bool:
    """Nobody listens on it: a server (which sets SO_REUSEADDR, as Mosquitto and uvicorn do)
    could bind it again; connections left in TIME_WAIT do not count."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(check, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_child_outlives_the_demo(tmp_path, sig):
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(tmp_path)}
    run = tmp_path / "run"
    args = ["demo", "--dir", str(run), "--board-port", "0", "--windows", "2", "--no-gui"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    board_port = None
    for line in proc.stdout:
        if "board (live queue board):" in line:
            board_port = int(line.split(":")[-1].strip().rstrip("/"))
        if "simulated windows are calling" in line:
            break
    assert board_port is not None
    mqtt_port = tomllib.loads((run / "hall.toml").read_text())["mqtt"]["port"]
    kids = children(proc.pid)
    assert len(kids) >= 2  # Mosquitto and the board at least
    try:
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        survivors = [k for k in kids if not wait_until(lambda k=k: not alive(k))]
        assert survivors == []
        assert wait_until(lambda: port_free(mqtt_port) and port_free(board_port))
    finally:
        for k in kids:  # a failing run must not leave its children behind either
            if alive(k):
                os.kill(k, signal.SIGKILL)
