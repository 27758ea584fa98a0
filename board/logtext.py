"""Untrusted text made safe for one log line: control characters shown as escapes.

A login name, an op or a reply message typed by someone else must not start a new log line
(a forged "manager wang logged in") nor hide text with NUL or a carriage return.
"""

from __future__ import annotations

LIMIT = 200


def _escape(c: str) -> str:
    if c == "\\":
        return "\\\\"
    return c if c.isprintable() else c.encode("unicode_escape").decode("ascii")


def printable(value: object, limit: int = LIMIT) -> str:
    """``value`` as one printable line: ``\\n``, ``\\x00``, ``\\u2028``..., cut at ``limit``."""
    text = str(value)
    cut = "".join(_escape(c) for c in text[:limit])
    return cut + "…" if len(text) > limit else cut
