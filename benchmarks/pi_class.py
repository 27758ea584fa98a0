"""Run a benchmark as if on one Raspberry Pi 4 core: one CPU of this machine, at a duty cycle.

    python benchmarks/pi_class.py [--quota PCT] [--period-ms 10] -- python BENCHMARK [ARGS]
    python benchmarks/pi_class.py --calibrate

Calibration: a fixed CPU-bound Python loop, the Computer Language Benchmarks Game's n-body
(the same algorithm and 5,000,000 steps), measured here on CPU 0 (``--calibrate`` runs a
shorter count and scales) against a published Raspberry Pi 4 figure: 158.3 s for the Python
n-body at 5,000,000 steps, Pi 4 Model B at 1.5 GHz, performance governor
(chaitanyamehta.github.io, "Performance Analysis of Languages on Raspberry Pi"; the Python
version is not stated: a Pi running Python 3.11, as we do, is likely faster than that figure,
so the quota errs on the slow side). factor = Pi seconds / our seconds; quota = 100 / factor %.
For reference it also prints sysbench's prime test (``sysbench cpu --threads=1``; Pi 4: 1477.83
events/s, sysbench 1.0.20, leoncode.co.uk "Raspberry Pi CPU Benchmarks"), which is C and
integer division and says little about CPython.

How the core is limited: systemd-run --scope -p CPUQuota and writable cgroups are not
available in every container, so the command and everything it starts are pinned to CPU 0
(``taskset -c 0``, inherited by children: the broker service, Mosquitto, the harness) and
run at a duty cycle: every ``period`` the whole process tree runs for quota x period, then is
stopped (SIGSTOP/SIGCONT) for the rest, like a CFS quota with that period. A message that
arrives while stopped waits up to (1 - quota) x period: latencies carry that jitter, which a
real Pi does not have, so p99s err on the slow side too. Wall-clock figures (round trips,
commands per second) are what the quota changes; a benchmark that reports CPU time (e.g.
bench_command_cost's "CPU per command") is not slowed by a duty cycle: multiply it by the
factor instead.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

PI4_NBODY_S = 158.3  # 5,000,000 steps, Python, Pi 4 at 1.5 GHz (see the docstring)
PI4_NBODY_STEPS = 5_000_000
PI4_SYSBENCH_EPS = 1477.83  # sysbench 1.0.20 cpu --threads=1, Pi 4
CALIBRATION_STEPS = 300_000


def nbody_seconds(steps: int) -> float:
    """The n-body loop (Benchmarks Game algorithm) on CPU 0 in a fresh interpreter."""
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import pi_nbody; "
    code += f"print(pi_nbody.run({steps}))"
    out = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return float(out.stdout)


def sysbench_eps() -> float | None:
    if shutil.which("sysbench") is None:
        return None
    out = subprocess.run(
        ["taskset", "-c", "0", "sysbench", "cpu", "--threads=1", "--time=5", "run"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = re.search(r"events per second:\s*([\d.]+)", out)
    return float(found.group(1)) if found else None


def calibrate() -> float:
    here = nbody_seconds(CALIBRATION_STEPS) * PI4_NBODY_STEPS / CALIBRATION_STEPS
    factor = PI4_NBODY_S / here
    print(f"n-body 5M steps: here {here:.1f} s on CPU 0, Pi 4 {PI4_NBODY_S} s: "
          f"factor {factor:.2f}, quota {100 / factor:.0f} %")  # fmt: skip
    eps = sysbench_eps()
    if eps is not None:
        print(f"(sysbench cpu, 1 thread: here {eps:.0f} events/s, Pi 4 {PI4_SYSBENCH_EPS}: "
              f"factor {eps / PI4_SYSBENCH_EPS:.2f}; C integer division, not used)")  # fmt: skip
    return 100 / factor


def tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def run_limited(command: list[str], quota: float, period_s: float) -> int:
    """Run ``command`` on CPU 0 at ``quota`` % of it; return its exit code."""
    proc = subprocess.Popen(["taskset", "-c", "0", *command])
    on, off = period_s * quota / 100, period_s * (1 - quota / 100)
    pids, refreshed = [proc.pid], 0.0
    try:
        while proc.poll() is None:
            if time.monotonic() - refreshed > 0.5:
                pids, refreshed = tree(proc.pid), time.monotonic()
            time.sleep(on)
            if off > 0:
                signal_all(pids, signal.SIGSTOP)
                time.sleep(off)
                signal_all(pids, signal.SIGCONT)
    finally:
        signal_all(tree(proc.pid), signal.SIGCONT)
    return proc.returncode


def main() -> None:
    argv = sys.argv[1:]
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quota", type=float, help="percent of one CPU (default: calibrated)")
    p.add_argument("--period-ms", type=float, default=10.0)
    p.add_argument("--calibrate", action="store_true", help="only print the factor")
    args = p.parse_args(own)
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is missing (apt-get install util-linux)")
    quota = args.quota if args.quota is not None else calibrate()
    if args.calibrate or not command:
        return
    quota = min(100.0, quota)
    print(f"running on CPU 0 at {quota:.0f} % (period {args.period_ms:.0f} ms): "
          f"{' '.join(command)}", flush=True)  # fmt: skip
    sys.exit(run_limited(command, quota, args.period_ms / 1000))


if __name__ == "__main__":
    main()
