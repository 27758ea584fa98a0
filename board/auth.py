"""Manager sessions: a signed cookie (itsdangerous), a CSRF token, and a login throttle.

The cookie holds the user name and a random CSRF token, signed with a secret kept in a 0600
file beside the users file (so sessions survive a board restart). It is HttpOnly and
SameSite=Strict; every manager action must also send the token in ``X-CSRF-Token``, which a
page from another site cannot read.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "hallq_board"
SESSION_MAX_AGE_S = 12 * 3600
MAX_FAILURES, LOCKOUT_S = 5, 300


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


class Sessions:
    """Makes and checks session cookies."""

    def __init__(self, secret: bytes, max_age_s: int = SESSION_MAX_AGE_S) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="hallq-board-session")
        self.max_age_s = max_age_s

    def issue(self, user: str) -> tuple[str, Session]:
        session = Session(user, secrets.token_urlsafe(24))
        return self._signer.dumps({"u": user, "c": session.csrf}), session

    def read(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data: Any = self._signer.loads(cookie, max_age=self.max_age_s)
            return Session(str(data["u"]), str(data["c"]))
        except (BadSignature, KeyError, TypeError):
            return None

    @staticmethod
    def csrf_ok(session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(session.csrf, str(token))

    def cookie_args(self, value: str) -> dict[str, Any]:
        return {
            "key": COOKIE,
            "value": value,
            "max_age": self.max_age_s,
            "httponly": True,
            "samesite": "strict",
            "path": "/",
        }


@dataclass
class Throttle:
    """Refuses logins for a name after MAX_FAILURES failures, for LOCKOUT_S seconds."""

    failures: dict[str, list[float]] = field(default_factory=dict)

    def is_locked(self, name: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        recent = [t for t in self.failures.get(name, []) if now - t < LOCKOUT_S]
        self.failures[name] = recent
        return len(recent) >= MAX_FAILURES

    def failed(self, name: str, now: float | None = None) -> None:
        self.failures.setdefault(name, []).append(time.time() if now is None else now)

    def succeeded(self, name: str) -> None:
        self.failures.pop(name, None)
