"""Manager sessions: a signed cookie (itsdangerous) naming a server-side session, and a CSRF
token.

The cookie holds a random session id and a random CSRF token, signed with a secret kept in a
0600 file beside the users file. The session itself lives in ``board-sessions.json`` (0600,
same folder), so sessions survive a board restart and can be ended: logout removes the
session; a user removed with ``hallq board-user remove`` or given a new password (the
record's salt changes) is refused on the next request, whatever cookie they kept. The cookie
is HttpOnly and SameSite=Strict, and Secure when the board serves HTTPS; every manager action
must also send the token in ``X-CSRF-Token``, which a page from another site cannot read.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from .throttle import write_private_json

log = logging.getLogger(__name__)
COOKIE = "hallq_board"
SESSION_MAX_AGE_S = 12 * 3600
Stamp = Callable[[str], str | None]  # user -> what changes with the password (None: no user)


def load_secret(path: Path) -> bytes:
    """The signing key, created on first use (32 random bytes, mode 0600)."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


@dataclass(frozen=True)
class Session:
    user: str
    csrf: str
    sid: str = ""


class SessionTable:
    """Live sessions by id: ``{sid: {"user", "stamp", "at"}}`` in a 0600 JSON file."""

    def __init__(self, path: Path, max_age_s: float, clock: Callable[[], float]) -> None:
        self.path, self.max_age_s, self.clock = path, max_age_s, clock
        self._lock = threading.Lock()
        self._rows: dict[str, dict[str, Any]] = self._load()

    def add(self, sid: str, user: str, stamp: str) -> None:
        with self._lock:
            self._rows[sid] = {"user": user, "stamp": stamp, "at": self.clock()}
            self._save()

    def get(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._rows.get(sid)
        if row is None or self.clock() - row["at"] > self.max_age_s:
            return None
        return row

    def drop(self, sid: str) -> None:
        with self._lock:
            if self._rows.pop(sid, None) is not None:
                self._save()

    def _load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))["sessions"]
            return {
                str(sid): {"user": str(r["user"]), "stamp": str(r["stamp"]), "at": float(r["at"])}
                for sid, r in rows.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            log.warning("session file %s unreadable, managers log in again: %s", self.path, exc)
            return {}

    def _save(self) -> None:
        now = self.clock()
        self._rows = {k: r for k, r in self._rows.items() if now - r["at"] <= self.max_age_s}
        write_private_json(self.path, {"sessions": self._rows})


class Sessions:
    """Makes, checks and ends sessions. ``stamp(user)`` is the user's current password stamp
    (None once the user is removed): a session is valid only while it is unchanged."""

    def __init__(
        self,
        secret: bytes,
        table_path: Path,
        stamp: Stamp,
        *,
        max_age_s: int = SESSION_MAX_AGE_S,
        clock: Callable[[], float] = time.time,
        secure: bool = False,
    ) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="hallq-board-session")
        self.table = SessionTable(table_path, max_age_s, clock)
        self.stamp, self.max_age_s = stamp, max_age_s
        self.secure = secure  # served over HTTPS: the browser sends the cookie only over TLS

    def issue(self, user: str) -> tuple[str, Session]:
        session = Session(user, secrets.token_urlsafe(24), secrets.token_urlsafe(24))
        self.table.add(session.sid, user, self.stamp(user) or "")
        return self._signer.dumps({"s": session.sid, "c": session.csrf}), session

    def read(self, cookie: str | None) -> Session | None:
        """The live session the cookie names, or None (bad signature, ended, user gone)."""
        if not cookie:
            return None
        try:
            data: Any = self._signer.loads(cookie, max_age=self.max_age_s)
            sid, csrf = str(data["s"]), str(data["c"])
        except (BadSignature, KeyError, TypeError):
            return None
        row = self.table.get(sid)
        if row is None:
            return None
        stamp = self.stamp(row["user"])
        if stamp is None or not hmac.compare_digest(stamp, row["stamp"]):
            self.table.drop(sid)  # removed, or a new password: this session is over
            return None
        return Session(row["user"], csrf, sid)

    def end(self, session: Session) -> None:
        self.table.drop(session.sid)

    @staticmethod
    def csrf_ok(session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(session.csrf, str(token))

    def cookie_args(self, value: str) -> dict[str, Any]:
        return {
            "key": COOKIE,
            "value": value,
            "max_age": self.max_age_s,
            "httponly": True,
            "secure": self.secure,
            "samesite": "strict",
            "path": "/",
        }
