"""Test helpers shipped beside the board: a tiny HTTP client and waits.

``Browser`` keeps a cookie jar, speaks JSON and reads the SSE stream. The fake MQTT link is
the one every device uses: :class:`hallq.fakes.FakeLink`.
"""

from __future__ import annotations

import http.cookiejar
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf: str | None = None

    def request(
        self, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(req, timeout=15) as resp:
                raw, status, ctype = resp.read(), resp.status, resp.headers["Content-Type"]
        except urllib.error.HTTPError as exc:
            raw, status, ctype = exc.read(), exc.code, exc.headers["Content-Type"]
        return status, json.loads(raw) if "json" in (ctype or "") else raw

    def login(self, name: str, password: str) -> int:
        status, body = self.request("/api/login", {"name": name, "password": password})
        if status == 200:
            self.csrf = body["csrf"]
        return status

    def act(self, **body: Any) -> tuple[int, Any]:
        return self.request("/api/action", body, {"X-CSRF-Token": self.csrf or ""})

    def stream(self) -> Iterator[dict[str, Any]]:
        """The board's SSE messages, decoded, as they come."""
        with self.opener.open(self.base + "/api/stream", timeout=15) as resp:
            for line in resp:
                if line.startswith(b"data: "):
                    yield json.loads(line[6:])


def next_matching(
    messages: Iterator[dict[str, Any]], check: Callable[[dict[str, Any]], Any], timeout: float = 15
) -> dict[str, Any]:
    """The first stream message passing ``check``; gives up after ``timeout`` (heartbeats every
    few seconds keep the stream moving, so the deadline is seen)."""
    deadline = time.monotonic() + timeout
    for msg in messages:
        if check(msg):
            return msg
        if time.monotonic() > deadline:
            break
    raise AssertionError("the expected message never came on the stream")


def wait_until(check: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy (a deadline, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
