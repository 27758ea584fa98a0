"""Login throttle: a delay that doubles with each failure, per address and per name.

Five failures are free; then each key waits 1, 2, 4 ... seconds before its next try. An
address's delay grows to 15 minutes; a name's only to 30 seconds, so someone guessing the
real manager's name from elsewhere slows that manager down a little but never locks them out.
Failures are forgotten an hour after the last one. The state is kept in a small 0600 JSON file
beside the users file, so a restart does not hand out a fresh set of tries.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
FREE_TRIES = 5
BASE_DELAY_S = 1.0
CAP_S = {"addr": 900.0, "name": 30.0}
FORGET_S = 3600.0
MAX_KEYS = 5000  # many names or addresses: the oldest are forgotten first


def delay_s(failures: int, cap: float) -> float:
    """How long a key with ``failures`` waits after its last failure."""
    if failures < FREE_TRIES:
        return 0.0
    return min(BASE_DELAY_S * 2.0 ** min(failures - FREE_TRIES, 30), cap)


class Throttle:
    """Failures by ``addr:<ip>`` and ``name:<name>``: count and time of the last one."""

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        self.path, self.clock = path, clock
        self._lock = threading.Lock()
        self.failures: dict[str, tuple[int, float]] = self._load()

    @staticmethod
    def _keys(address: str, name: str) -> dict[str, str]:
        return {"addr": f"addr:{address}", "name": f"name:{name}"}

    def wait_s(self, address: str, name: str) -> float:
        """Seconds before this address may try this name again (0: go ahead)."""
        now = self.clock()
        with self._lock:
            waits = [0.0]
            for kind, key in self._keys(address, name).items():
                count, last = self.failures.get(key, (0, now))
                waits.append(last + delay_s(count, CAP_S[kind]) - now)
            return max(waits)

    def failed(self, address: str, name: str) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(address, name).values():
                count, last = self.failures.get(key, (0, now))
                self.failures[key] = (0 if now - last > FORGET_S else count) + 1, now
            self._save(now)

    def succeeded(self, address: str, name: str) -> None:
        with self._lock:
            found = [self.failures.pop(k, None) for k in self._keys(address, name).values()]
            if any(found):
                self._save(self.clock())

    def _load(self) -> dict[str, tuple[int, float]]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): (int(v[0]), float(v[1])) for k, v in data["failures"].items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
            log.warning("login throttle file %s unreadable, starting empty: %s", self.path, exc)
            return {}

    def _save(self, now: float) -> None:
        fresh = {k: v for k, v in self.failures.items() if now - v[1] <= FORGET_S}
        newest = sorted(fresh.items(), key=lambda kv: kv[1][1])[-MAX_KEYS:]
        self.failures = dict(newest)
        if self.path is not None:
            write_private_json(self.path, {"failures": self.failures})


def write_private_json(path: Path, data: object) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600 (a crash leaves the old file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)
