"""``hallq board --config hall.toml``: serve the board with uvicorn, over HTTPS when the board
device has ``tls_cert_file``/``tls_key_file`` (or ``--tls-cert``/``--tls-key`` are given).

With TLS the session cookie is ``Secure`` (the browser never sends it over plain HTTP), so a
manager's login and session cannot be read off the hall LAN. :func:`run` blocks until Ctrl-C.
:class:`BoardServer` runs the same server in a thread on a pre-bound socket, for tests and for
the README's one-command start.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from hallq.config import BoardDevice, HallConfig
from hallq.errors import HallqError
from hallq.sdnotify import Notifier, Watchdog

from .app import LinkFactory, create_app

log = logging.getLogger(__name__)


Tls = tuple[Path, Path]  # certificate (chain) file, private key file


class BoardTlsError(HallqError, OSError):
    """The board's certificate or key cannot be used."""


def tls_files(
    cfg: HallConfig, device_id: str, cert: str | None = None, key: str | None = None
) -> Tls | None:
    """The certificate and key to serve HTTPS with (arguments first, then the board device's
    config), checked by loading them; None: plain HTTP."""
    dev = cfg.device(device_id)
    cert = cert or (dev.tls_cert_file if isinstance(dev, BoardDevice) else None)
    key = key or (dev.tls_key_file if isinstance(dev, BoardDevice) else None)
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise BoardTlsError(
            "HTTPS needs both a certificate and its key (tls_cert_file, tls_key_file)"
        )
    files = (cfg.resolve(cert), cfg.resolve(key))
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(*files)
    except (OSError, ssl.SSLError) as exc:
        raise BoardTlsError(f"cannot use {files[0]} / {files[1]} for HTTPS: {exc}") from exc
    return files


def _uvicorn_config(app: Any, host: str, port: int, tls: Tls | None = None) -> uvicorn.Config:
    # Open SSE streams never end by themselves: give them one second on shutdown.
    ssl_args = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1, **ssl_args
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


def run(
    cfg: HallConfig,
    device_id: str = "board",
    port: int | None = None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
) -> None:
    """Serve the board until interrupted; prints the URL."""
    dev = cfg.device(device_id)
    host = dev.host if isinstance(dev, BoardDevice) else "127.0.0.1"
    port = port or (dev.port if isinstance(dev, BoardDevice) else 8080)
    tls = tls_files(cfg, device_id, tls_cert, tls_key)
    app = create_app(cfg, device_id=device_id, secure_cookies=tls is not None)
    server = _Server(_uvicorn_config(app, host, port, tls), app)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"hallq board: {'https' if tls else 'http'}://{shown}:{port}/", flush=True)
    server.run()


class BoardServer:
    """The board served from a background thread on 127.0.0.1 (tests, one-command start)."""

    def __init__(
        self,
        cfg: HallConfig,
        device_id: str = "board",
        link_factory: LinkFactory | None = None,
        port: int = 0,
        tls: Tls | None = None,
    ) -> None:
        kwargs = {"link_factory": link_factory} if link_factory else {}
        self.tls = tls
        self.app = create_app(cfg, device_id=device_id, secure_cookies=tls is not None, **kwargs)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.server = _Server(_uvicorn_config(self.app, "127.0.0.1", self.port, tls), self.app)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> BoardServer:
        self._thread = serve_in_thread(self.server, self.sock, "the board server", timeout)
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


def serve_in_thread(
    server: uvicorn.Server, sock: socket.socket, what: str, timeout: float = 10.0
) -> threading.Thread:
    """Run a uvicorn server on a pre-bound socket in a daemon thread; return once it serves
    (or raise, naming ``what``, if it did not start within ``timeout``)."""
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.02)
    return thread
