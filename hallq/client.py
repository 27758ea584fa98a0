"""Request/reply over MQTT for devices: send a command, wait for its reply by id.

A retry reuses the command id, so the service answers it once (commands are idempotent by id).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

from hallq.errors import HallqError
from hallq.mqtt import MqttLink
from hallq.protocol import decode_json

log = logging.getLogger(__name__)


class CommandError(HallqError, RuntimeError):
    """The service could not be asked, or did not answer."""


class Offline(CommandError, ConnectionError):
    """Not connected to Mosquitto: the command was not sent."""


class ReplyTimeout(CommandError, TimeoutError):
    """The command went out but no reply came in time (the service may be down)."""


class Refused(CommandError):
    """The service answered ok=false; ``code`` is the protocol error code."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(reply.get("message", ""))
        self.code: str = reply.get("error", "")
        self.reply = reply


class CommandClient:
    """Sends this device's commands and matches replies to them."""

    def __init__(self, link: MqttLink) -> None:
        self.link = link
        self._waiting: dict[str, tuple[threading.Event, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()
        link.subscribe(link.topics.reply(link.device), self._on_reply)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:16]

    def send(
        self,
        op: str,
        *,
        timeout: float = 5.0,
        retries: int = 1,
        cmd_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Send ``op`` and return the ok reply; raise Offline, ReplyTimeout or Refused."""
        cmd_id = cmd_id or self.new_id()
        payload = {"id": cmd_id, "op": op, "sent_at": time.time(), **fields}
        done = threading.Event()
        box: list[dict[str, Any]] = []
        with self._lock:
            self._waiting[cmd_id] = (done, box)
        try:
            for _attempt in range(retries + 1):
                if not self.link.publish(self.link.topics.cmd(self.link.device), payload):
                    raise Offline(f"not connected: {op} not sent")
                if done.wait(timeout):
                    reply = box[0]
                    if not reply.get("ok"):
                        raise Refused(reply)
                    return reply
                log.warning("no reply to %s %s in %.1f s", op, cmd_id, timeout)
            raise ReplyTimeout(f"no reply to {op} after {retries + 1} tries")
        finally:
            with self._lock:
                self._waiting.pop(cmd_id, None)

    def _on_reply(self, _topic: str, payload: bytes) -> None:
        try:
            reply = decode_json(payload)
        except Exception:
            log.warning("unreadable reply ignored")
            return
        if not isinstance(reply, dict):
            return
        with self._lock:
            waiter = self._waiting.get(str(reply.get("id")))
        if waiter is not None and not waiter[0].is_set():
            waiter[1].append(reply)
            waiter[0].set()
