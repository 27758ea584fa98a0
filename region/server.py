"""Serve the region board (uvicorn), in the foreground or from a thread (tests, the demo)."""

from __future__ import annotations

import socket
import threading

import uvicorn

from board.server import serve_in_thread

from .board import create_app
from .service import RegionService


def _config(app: object, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1
    )


class RegionServer:
    """The region service and its board on 127.0.0.1 (``port`` 0: any free one)."""

    def __init__(self, service: RegionService, port: int = 0, host: str = "127.0.0.1") -> None:
        self.service = service
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(_config(create_app(service), host, self.port))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> RegionServer:
        self.service.start()
        self._thread = serve_in_thread(self.server, self.sock, "the region board", timeout)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True  # open SSE streams never end by themselves
        if self._thread is not None:
            self._thread.join(10)
        self.sock.close()
        self.service.stop()
