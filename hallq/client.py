"""Request/reply over MQTT for devices: send a command, wait for its reply by id.

A retry reuses the command id, so the service answers it once (commands are idempotent by id).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

import msgspec

from hallq.contract import ErrorReply, OkReply, decode_reply
from hallq.errors import HallqError
from hallq.mqtt import MqttLink

log = logging.getLogger(__name__)


class CommandError(HallqError, RuntimeError):
    """The service could not be asked, or did not answer."""


class Offline(CommandError, ConnectionError):
    """Not connected to Mosquitto: the command was not sent."""


class ReplyTimeout(CommandError, TimeoutError):
    """The command went out but no reply came in time (the service may be down)."""


class Refused(CommandError):
    """The service answered ok=false; ``code`` is the protocol error code."""

    def __init__(self, reply: ErrorReply) -> None:
        super().__init__(reply.message)
        self.code: str = str(reply.error)
        self.reply = reply


class CommandClient:
    """Sends this device's commands and matches replies to them."""

    def __init__(self, link: MqttLink) -> None:
        self.link = link
        self._waiting: dict[str, tuple[threading.Event, list[OkReply | ErrorReply]]] = {}
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
    ) -> OkReply:
        """Send ``op`` and return its typed ok reply (hallq/contract.py); raise Offline,
        ReplyTimeout or Refused."""
        cmd_id = cmd_id or self.new_id()
        payload = {"id": cmd_id, "op": op, "sent_at": time.time(), **fields}
        done = threading.Event()
        box: list[OkReply | ErrorReply] = []
        with self._lock:
            self._waiting[cmd_id] = (done, box)
        try:
            for _attempt in range(retries + 1):
                if not self.link.publish(self.link.topics.cmd(self.link.device), payload):
                    raise Offline(f"not connected: {op} not sent")
                if done.wait(timeout):
                    reply = box[0]
                    if isinstance(reply, ErrorReply):
                        raise Refused(reply)
                    return reply
                log.warning("no reply to %s %s in %.1f s", op, cmd_id, timeout)
            raise ReplyTimeout(f"no reply to {op} after {retries + 1} tries")
        finally:
            with self._lock:
                self._waiting.pop(cmd_id, None)

    def _on_reply(self, _topic: str, payload: bytes) -> None:
        try:
            reply = decode_reply(payload)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable reply ignored: %s", exc)
            return
        with self._lock:
            waiter = self._waiting.get(str(reply.id))
        if waiter is not None and not waiter[0].is_set():
            waiter[1].append(reply)
            waiter[0].set()
