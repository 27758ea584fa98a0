"""``hallq demo --region``: a county centre and three townships, each its own hall demo,
bridged to the region board; SIGTERM stops every process it started."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from region_fabric import wait_for

HALLS = {"county", "t01", "t02", "t03"}


def pid_tree(pid: int) -> set[int]:
    """``pid``'s descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (PID 1 of a container may never reap an orphan)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def get(url: str, auth: str):
    req = urllib.request.Request(url, headers={"Authorization": f"Basic {auth}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def test_region_demo_runs_four_halls_and_sigterm_stops_every_process(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "demo", "--region", "--dir", str(tmp_path)]
        + ["--board-port", "0", "--arrival-s", "0.5", "--speed", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    started: set[int] = set()
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "region login:" in line:
                break
        text = "".join(lines)
        url = next(ln.split()[-1] for ln in lines if "region board:" in ln).rstrip("/")
        user, _, password = text.split("region login:")[1].split()[:3]
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()

        def busy() -> list | None:
            rows = get(f"{url}/api/halls", auth)
            ok = {r["hall"] for r in rows if r["reachable"] and r["issued"] > 0}
            return rows if ok == HALLS else None

        wait_for(busy, timeout=90, what="every hall reachable and issuing at the region")
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()

        def reported() -> list | None:
            rows = get(f"{url}/api/reports?period={today}", auth)["halls"]
            return rows if all(r["tickets"] for r in rows) else None

        report = wait_for(reported, what="tickets of every hall in the region report")
        assert {r["hall"] for r in report} == HALLS
        started = pid_tree(proc.pid)
        names = [Path(f"/proc/{p}/comm").read_text().strip() for p in started if running(p)]
        assert names.count("mosquitto") == 5, names  # the region's and one per hall
        assert len(started) >= 1 + 4 * 3  # region Mosquitto; per hall: demo, Mosquitto, board

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=90) == 0
        wait_for(lambda: not any(running(p) for p in started), timeout=10, what="all stopped")
    finally:
        if proc.poll() is None:  # a failed check: still stop everything it started
            started |= pid_tree(proc.pid)
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pid in started:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
