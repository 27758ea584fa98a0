"""Logging for every hallq process: one format, and untrusted text can never forge a line.

Payloads, topics, device ids, user names and ops come from outside; a ``\\n`` or NUL in them
written raw into a log could fake a "logged in" line or cut a line in two. The formatter
escapes every control character of the message (tracebacks, which we write ourselves, keep
their lines).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LIMIT = 200


def _escape(c: str) -> str:
    if c == "\\":
        return "\\\\"
    return c if c.isprintable() else c.encode("unicode_escape").decode("ascii")


def _escape_control(c: str) -> str:
    return c if c.isprintable() else c.encode("unicode_escape").decode("ascii")


def escape(value: object, *, backslashes: bool = True) -> str:
    """``value`` on one printable line: ``\\n``, ``\\x00``, ``\\u2028``... as escapes (and
    ``\\`` doubled, so an escape cannot be faked, unless ``backslashes`` is False)."""
    text = str(value)
    if text.isprintable() and not (backslashes and "\\" in text):
        return text  # the common case, at no cost
    one = _escape if backslashes else _escape_control
    return "".join(one(c) for c in text)


def printable(value: object, limit: int = LIMIT) -> str:
    """Untrusted text (a login name, an op, a reply message) for a log line: escaped, and cut
    at ``limit`` characters so one field cannot flood the log."""
    text = str(value)
    cut = escape(text[:limit])
    return cut + "…" if len(text) > limit else cut


class SafeFormatter(logging.Formatter):
    """A formatter whose message part is always one line of printable text."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        # control characters only: text already made printable() is not escaped twice
        record.message = escape(record.message, backslashes=False)
        return super().formatMessage(record)


def setup_logging(verbose: bool = False, log_file: str | Path | None = None) -> None:
    """Root logging for a process: to ``log_file`` if given, else to stderr."""
    handler: logging.Handler
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True
    )
