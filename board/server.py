"""``hallq board --config hall.toml``: serve the board with uvicorn.

:func:`run` blocks until Ctrl-C. :class:`BoardServer` runs the same server in a thread on a
pre-bound socket, for tests and for the README's one-command start.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import uvicorn

from hallq.config import BoardDevice, HallConfig
from hallq.sdnotify import Notifier, Watchdog

from .app import LinkFactory, create_app

log = logging.getLogger(__name__)


def _uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    # Open SSE streams never end by themselves: give them one second on shutdown.
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1
    )


class _Server(uvicorn.Server):
    """uvicorn, ending the board's SSE streams first when asked to exit (Ctrl-C, SIGTERM)."""

    def __init__(self, config: uvicorn.Config, app: Any) -> None:
        super().__init__(config)
        self.hub = app.state.board.hub
        # systemd (Type=notify, WatchdogSec): ready once listening; WATCHDOG=1 from the
        # event loop's own tick, so a hung loop is restarted (nothing without NOTIFY_SOCKET)
        self.notifier = Notifier()
        self.watchdog = Watchdog(self.notifier, loops=("loop",))

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        self.notifier.ready("board serving")

    async def on_tick(self, counter: int) -> bool:
        self.watchdog.beat("loop")
        return await super().on_tick(counter)

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.hub.close_streams()
        super().handle_exit(sig, frame)

    def exit(self) -> None:
        self.hub.close_streams()
        self.should_exit = True


def run(cfg: HallConfig, device_id: str = "board", port: int | None = None) -> None:
    """Serve the board until interrupted; prints the URL."""
    dev = cfg.device(device_id)
    host = dev.host if isinstance(dev, BoardDevice) else "127.0.0.1"
    port = port or (dev.port if isinstance(dev, BoardDevice) else 8080)
    app = create_app(cfg, device_id=device_id)
    server = _Server(_uvicorn_config(app, host, port), app)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"hallq board: http://{shown}:{port}/", flush=True)
    server.run()


class BoardServer:
    """The board served from a background thread on 127.0.0.1 (tests, one-command start)."""

    def __init__(
        self,
        cfg: HallConfig,
        device_id: str = "board",
        link_factory: LinkFactory | None = None,
        port: int = 0,
    ) -> None:
        kwargs = {"link_factory": link_factory} if link_factory else {}
        self.app = create_app(cfg, device_id=device_id, **kwargs)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.server = _Server(_uvicorn_config(self.app, "127.0.0.1", self.port), self.app)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> BoardServer:
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the board server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.exit()
        if self._thread is not None:
            self._thread.join(10)
        self.sock.close()

    def __enter__(self) -> BoardServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
