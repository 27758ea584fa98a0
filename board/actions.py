"""Manager actions: check the request, send it to the broker service, log who did it.

A request body is ``{"op": ..., "window": ..., ...}``. Only the manager ops below pass; the
command is validated by the same msgspec structs the broker service uses before it is sent,
so a bad request is refused here with the key path in the message.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from hallq.client import CommandClient, CommandError, Offline, Refused, ReplyTimeout
from hallq.contract import to_builtins
from hallq.logs import printable
from hallq.protocol import BadCommand, decode_command, encode

log = logging.getLogger(__name__)
MANAGER_OPS = {
    "open",
    "close",
    "pause",
    "resume",
    "set_services",
    "set_priority_ratio",
    "joint_open",
    "joint_confirm",
    "joint_close",
    "agency_take",
    "agency_release",
}
SIGNED_OPS = {  # carry "by"
    "set_services",
    "set_priority_ratio",
    "joint_open",
    "joint_close",
    "agency_take",
    "agency_release",
}
FIELDS = {
    "open": ("window", "staff"),
    "close": ("window",),
    "pause": ("window", "reason"),
    "resume": ("window",),
    "set_services": ("window", "services"),
    "set_priority_ratio": ("ratio",),
    "joint_open": ("ticket", "room", "departments", "staff"),  # 联审联批
    "joint_confirm": ("review", "window"),
    "joint_close": ("review", "outcome"),
    "agency_take": ("ticket", "matter", "agent", "window", "priority"),  # 帮办代办
    "agency_release": ("ticket",),
}


class ActionRefused(ValueError):
    """The request is not an allowed, well-formed manager action; ``status`` is the HTTP code."""

    def __init__(self, message: str, status: int = 400, code: str = "bad_request") -> None:
        super().__init__(message)
        self.status, self.code = status, code


def build_command(body: Any, user: str) -> tuple[str, dict[str, Any]]:
    """(op, fields) for the command, or ActionRefused."""
    if not isinstance(body, dict) or body.get("op") not in MANAGER_OPS:
        raise ActionRefused(f"op must be one of {sorted(MANAGER_OPS)}")
    op = body["op"]
    fields = {k: body[k] for k in FIELDS[op] if body.get(k) not in (None, "")}
    if op in SIGNED_OPS:
        fields["by"] = user
    try:
        decode_command(encode({"id": "check", "op": op, **fields}))
    except BadCommand as exc:
        raise ActionRefused(exc.message) from exc
    if "window" in FIELDS[op] and "window" not in fields:
        raise ActionRefused(f"{op} needs a window")
    return op, fields


class ActionLog:
    """Appends one JSON line per manager action (who, what, result) to a file, mode 0600
    (it names the managers; an older file with a wider mode is narrowed on the next write)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, user: str, op: str, fields: dict[str, Any], result: str) -> None:
        log.info(
            "manager %s: %s %s -> %s",
            printable(user),
            printable(op),
            printable(fields),
            printable(result),
        )
        line = json.dumps(
            {"at": time.time(), "user": user, "op": op, "fields": fields, "result": result},
            ensure_ascii=False,
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                f.write(line + "\n")


def perform(client: CommandClient, actions: ActionLog, user: str, body: Any) -> dict[str, Any]:
    """Blocking (run it in a worker thread): send the action and return the service's reply."""
    op, fields = build_command(body, user)
    try:
        reply = client.send(op, timeout=3.0, retries=1, **fields)
    except Refused as exc:
        actions.write(user, op, fields, f"refused: {exc.code}")
        raise ActionRefused(str(exc) or exc.code, 409, exc.code) from exc
    except (Offline, ReplyTimeout) as exc:
        actions.write(user, op, fields, f"failed: {exc}")
        raise ActionRefused(str(exc), 503, "unavailable") from exc
    except CommandError as exc:
        actions.write(user, op, fields, f"failed: {exc}")
        raise ActionRefused(str(exc), 503, "unavailable") from exc
    actions.write(user, op, fields, "ok")
    return to_builtins(reply)
