"""Fakes for the counter's unit tests: a command sender answering from a table, a clock, and
raw payloads fed through the state client's decoding."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import msgspec

from hallq.client import Offline, Refused
from hallq.contract import ErrorReply, OkReply, Payload
from hallq.core.errors import ErrorCode
from hallq.state import Feed


class FakeSender:
    """Answers ok (with ``replies[op]`` merged in) or refuses with ``errors[op]``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.replies: dict[str, dict[str, Any]] = {}
        self.errors: dict[str, str] = {}
        self.online = True
        self.gate: threading.Event | None = None  # set: the reply waits for it
        self.entered = threading.Event()

    def send(self, op: str, *, timeout: float = 5.0, retries: int = 1, **fields: Any) -> Any:
        if not self.online:
            raise Offline(f"not connected: {op} not sent")
        self.sent.append((op, fields))
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        if op in self.errors:
            raise Refused(ErrorReply(id="x", error=ErrorCode(self.errors[op]), message="no"))
        body = {"id": "x", "op": op, "ticket": "", **fields, **self.replies.get(op, {})}
        return msgspec.convert(body, OkReply)  # a typed reply, as CommandClient returns

    def ops(self) -> list[str]:
        return [op for op, _f in self.sent]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def feeding(listener: Callable[[str, Any], None], kind: type[Payload]) -> Callable[[bytes], None]:
    """Raw payloads -> the state client's decoding (hallq.state.Feed) -> ``listener``."""
    feed: Feed[Any] = Feed(kind)
    feed.listen(listener)
    return lambda payload: feed.on_message("testhall/state/x/w1", payload)
