"""The README's main command, headless: a whole hall runs and says where to look."""

import subprocess
import sys
import urllib.request
from collections import Counter

from hallq.store import EventStore


def test_demo_runs_a_whole_hall_headless(tmp_path):
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "demo",
            "--dir",
            str(tmp_path / "run"),
            "--seconds",
            "25",
            "--board-port",
            "0",
            "--windows",
            "8",
            "--arrival-s",
            "1",
            "--matters",
            "0.5",
            "--speed",
            "200",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines = []
    board_url = None
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if "board (live queue board):" in line:
            board_url = line.split()[-1]
            with urllib.request.urlopen(board_url, timeout=5) as page:
                assert page.status == 200 and "board.js" in page.read().decode()
    assert proc.wait(timeout=60) == 0, "".join(lines)
    text = "".join(lines)
    assert board_url is not None and "running headless" in text
    assert "board manager login:       manager / " in text
    assert "log:" in text and str(tmp_path / "run" / "hallq.log") in text
    assert "叫号" in text, text  # calls printed live
    store = EventStore(tmp_path / "run" / "hallq.db").open()
    kinds = Counter(e.kind for e in store.events())
    store.close()
    assert kinds["ticket_issued"] > 0 and kinds["ticket_called"] > 0
    assert kinds["window_opened"] >= 8  # and the windows a matter's stages need
    # a matter (一件事) went from one kiosk tap through every stage to done
    assert kinds["case_opened"] > 0 and kinds["case_moved"] > 0, kinds
    assert kinds["case_completed"] > 0, kinds
