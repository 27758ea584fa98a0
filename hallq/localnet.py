"""Free TCP ports on this machine, for the demo, the region fabric and the tests."""

from __future__ import annotations

import socket
import threading

_GIVEN: set[int] = set()  # ports this process handed out: never twice (a later bind may race)
_LOCK = threading.Lock()


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port on ``host``, not one this process handed out before (the kernel may
    return a just-closed port again before the first caller has bound it)."""
    while True:
        with socket.socket() as s:
            s.bind((host, 0))
            port = int(s.getsockname()[1])
        with _LOCK:
            if port not in _GIVEN:
                _GIVEN.add(port)
                return port
