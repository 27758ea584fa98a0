"""systemd's notify protocol, spoken over ``$NOTIFY_SOCKET`` with the standard library.

``READY=1`` once the service has loaded its store and claimed the hall (``Type=notify``), and
``WATCHDOG=1`` while it is healthy (``WatchdogSec=``): a service that hangs stops sending it and
systemd kills and restarts it. Without ``$NOTIFY_SOCKET`` (tests, a terminal) every call does
nothing.

The :class:`Watchdog` sends ``WATCHDOG=1`` only while every loop it watches has beaten recently
(the command worker and the periodic ticker): one loop stuck on a lock while the other spins
must not keep the service alive.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


class Notifier:
    """Datagrams to systemd; silent when not started by systemd with ``Type=notify``."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.address = env.get("NOTIFY_SOCKET") or None
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        mine = not pid or pid == str(os.getpid())
        self.watchdog_s = int(usec) / 1e6 if usec.isdigit() and mine else None

    def notify(self, **fields: str | int) -> bool:
        """Send ``KEY=value`` lines (``notify(READY=1, STATUS="...")``); True when sent."""
        if self.address is None:
            return False
        text = "\n".join(f"{k}={v}" for k, v in fields.items())
        address = self.address
        if address.startswith("@"):  # abstract namespace socket
            address = "\0" + address[1:]
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
                s.connect(address)
                s.sendall(text.encode())
        except OSError as exc:
            log.warning("sd_notify to %s failed: %s", self.address, exc)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.notify(READY=1, STATUS=status) if status else self.notify(READY=1)

    def status(self, text: str) -> bool:
        return self.notify(STATUS=text)

    def stopping(self) -> bool:
        return self.notify(STOPPING=1)


class Watchdog:
    """``WATCHDOG=1`` at half the watchdog interval, while all named loops keep beating."""

    def __init__(
        self,
        notifier: Notifier,
        loops: tuple[str, ...] = ("worker", "tick"),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notifier, self.clock = notifier, clock
        self.interval_s = notifier.watchdog_s
        now = clock()
        self._beats = dict.fromkeys(loops, now)
        self._sent = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.interval_s is not None

    def beat(self, loop: str) -> bool:
        """One loop is alive; returns True when WATCHDOG=1 went out with this beat."""
        if self.interval_s is None:
            return False
        half = self.interval_s / 2
        with self._lock:
            now = self.clock()
            self._beats[loop] = now
            if now - self._sent < half / 2:
                return False
            stale = [name for name, at in self._beats.items() if now - at > half]
            if stale:
                return False  # a loop is stuck: let systemd's timer run out
            self._sent = now
        return self.notifier.notify(WATCHDOG=1)
