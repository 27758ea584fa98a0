"""A service stand-in for tests and demos: the real queue core behind the kiosk's command API.

``FakeService`` answers ``send(op, ...)`` like ``CommandClient`` (same exceptions) using the pure
engine, and pushes each service's state payload to ``when_state(topic, payload)`` like the
retained topics would. Set ``.mode`` to "offline" or "timeout" to fail the next commands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import msgspec

from hallq.client import CommandClient, Offline, Refused, ReplyTimeout
from hallq.config import HallConfig
from hallq.contract import ErrorReply, OkReply, StatusOk
from hallq.core.engine import Engine
from hallq.core.errors import QueueError
from hallq.core.views import service_view
from hallq.protocol import Topics, encode

ISSUE_KEYS = ("ticket", "service", "seq", "priority", "ahead", "est_wait_s")


class FakePresence:
    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []

    def set_presence(self, **fields: Any) -> None:
        self.fields.update(fields)
        self.history.append(dict(fields))


class FakeService:
    """Answers issue / print_result / status from an in-memory engine; records every command."""

    def __init__(self, cfg: HallConfig, *, open_windows: bool = True) -> None:
        self.cfg = cfg
        self.engine = Engine(cfg.layout())
        self.mode = "ok"  # "ok" | "offline" | "timeout"
        self.delay_s = 0.0  # answer this late (to see the "getting your ticket" screen)
        self.sent: list[dict[str, Any]] = []
        self.when_state: Callable[[str, bytes], None] = lambda t, p: None
        self._answers: dict[str, OkReply] = {}
        self._lock = threading.Lock()
        if open_windows:
            for w in cfg.windows:
                self.engine.run("open", time.time(), window=w.id)

    def send(
        self,
        op: str,
        *,
        timeout: float = 5.0,
        retries: int = 1,
        cmd_id: str | None = None,
        **fields: Any,
    ) -> OkReply:
        time.sleep(self.delay_s if op == "issue" else 0)
        with self._lock:
            self.sent.append({"op": op, "id": cmd_id, **fields})
            if self.mode == "offline":
                raise Offline(f"not connected: {op} not sent")
            if self.mode == "timeout":
                raise ReplyTimeout(f"no reply to {op}")
            if cmd_id is not None and cmd_id in self._answers:
                return self._answers[cmd_id]  # the same command id is answered once
            reply = self._handle(op, fields, cmd_id or CommandClient.new_id())
            if cmd_id is not None:
                self._answers[cmd_id] = reply
        self.publish_states()
        return reply

    def _handle(self, op: str, fields: dict[str, Any], cmd_id: str) -> OkReply:
        if op == "status":
            return StatusOk(id=cmd_id)
        try:
            events = self.engine.run(op, time.time(), **fields)
        except QueueError as exc:
            raise Refused(ErrorReply(id=cmd_id, error=exc.code, message=exc.message)) from exc
        data = events[-1].data if events else {}
        picked = {k: data[k] for k in ISSUE_KEYS if k in data}
        return msgspec.convert({"id": cmd_id, "op": op, **picked}, OkReply)  # type: ignore[arg-type]

    def publish_states(self) -> None:
        now, topics = time.time(), Topics(self.cfg.hall.id)
        for s in self.cfg.services:
            payload = encode(service_view(self.engine, s.code, now))
            self.when_state(topics.service(s.code), payload)

    def close_window(self, window_id: str) -> None:
        self.engine.run("close", time.time(), window=window_id)
        self.publish_states()
