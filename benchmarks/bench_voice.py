"""Voice: espeak-ng synthesis time, cached render time and WAV length per call.

python benchmarks/bench_voice.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hardware import wavtools
from hardware.config import VoiceConfig
from hardware.voice import Announcer

CALLS = [("A001", "5号窗口"), ("B128", "12号窗口"), ("C007", "3号窗口")]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        announcer = Announcer(VoiceConfig(cache_dir=str(Path(tmp) / "cache")))
        print(f"{'call':18} {'first render ms':>16} {'cached ms':>10} {'wav s':>7}")
        for ticket, window in CALLS:
            started = time.perf_counter()
            path = announcer.render_call(ticket, window)
            first = time.perf_counter() - started
            started = time.perf_counter()
            announcer.render_call(ticket, window)
            cached = time.perf_counter() - started
            print(f"{ticket + ' ' + window:18} {first * 1000:16.1f} {cached * 1000:10.2f} "
                  f"{wavtools.duration(path):7.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
