"""The board's manager accounts: a JSON file of scrypt password hashes (never the passwords).

``hallq board-user --config hall.toml add NAME`` (asks for the password twice), ``remove NAME``,
``list``. Removing a user or giving a new password (a new salt) ends that user's board
sessions at their next request (board/auth.py checks :meth:`Users.stamp`). The file is written
atomically with mode 0600. Format::

    {"users": {"wang": {"salt": "<hex>", "hash": "<hex>", "n": 16384, "r": 8, "p": 1}}}
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Any

from hallq.errors import HallqError

log = logging.getLogger(__name__)
NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
MIN_PASSWORD = 8
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class UserError(HallqError, ValueError):
    """A bad user name or password, or an unreadable users file."""


def hash_password(password: str, salt: bytes | None = None) -> dict[str, Any]:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return {"salt": salt.hex(), "hash": digest.hex(), **SCRYPT}


def check_password(record: dict[str, Any], password: str) -> bool:
    try:
        salt, expected = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
        params = {k: int(record[k]) for k in ("n", "r", "p")}
    except (KeyError, ValueError, TypeError):
        return False
    got = hashlib.scrypt(password.encode(), salt=salt, dklen=len(expected), **params)
    return hmac.compare_digest(got, expected)


class Users:
    """The users file; re-read on each login so an added user works without a restart."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return dict(data["users"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{self.path}: unreadable users file ({exc})") from exc

    def verify(self, name: str, password: str) -> bool:
        record = self.load().get(name)
        if record is None:
            hash_password(password)  # same time as a real check: names do not leak by timing
            return False
        return check_password(record, password)

    def stamp(self, name: str) -> str | None:
        """What changes with the user's password (the record's salt); None when there is no
        such user or the file cannot be read, so the user's sessions end."""
        try:
            record = self.load().get(name)
        except UserError as exc:
            log.error("%s", exc)
            return None
        return str(record.get("salt", "")) if isinstance(record, dict) else None

    def add(self, name: str, password: str) -> None:
        if not NAME.match(name):
            raise UserError(f"user name {name!r}: use 1-32 letters, digits, '_', '-', '.'")
        if len(password) < MIN_PASSWORD:
            raise UserError(f"password too short: at least {MIN_PASSWORD} characters")
        users = self.load()
        users[name] = hash_password(password)
        self._save(users)

    def remove(self, name: str) -> bool:
        users = self.load()
        found = users.pop(name, None) is not None
        if found:
            self._save(users)
        return found

    def _save(self, users: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"users": users}, f, indent=1)
        os.replace(tmp, self.path)


def users_path(config: str) -> Path:
    """The users file named by the hall's board device."""
    from hallq.config import BoardDevice, load_config

    cfg = load_config(config)
    board = next((d for d in cfg.devices if isinstance(d, BoardDevice)), None)
    return cfg.resolve(board.users_file if board else "board-users.json")


def _ask_password() -> str:
    first = getpass.getpass("密码 / password: ")
    if first != getpass.getpass("再输一次 / again: "):
        raise UserError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="hallq board-user", description="Board manager accounts")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--config", help="hall.toml (its board device names the users file)")
    where.add_argument("--file", help="the users file itself")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("name", nargs="?")
    a = p.parse_args(argv)
    try:
        users = Users(a.file or users_path(a.config))
        if a.action == "list":
            print("\n".join(sorted(users.load())))
        elif not a.name:
            p.error(f"{a.action} needs a NAME")
        elif a.action == "add":
            users.add(a.name, os.environ.get("HALLQ_BOARD_PASSWORD") or _ask_password())
            print(f"saved {a.name} in {users.path}")
        elif not users.remove(a.name):
            print(f"no user {a.name}", file=sys.stderr)
            return 1
    except HallqError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
