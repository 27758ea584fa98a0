"""Logging for every hallq process: one format, and untrusted text can never forge a line.

Payloads, topics, device ids, user names and ops come from outside; a ``\\n`` or NUL in them
written raw into a log could fake a "logged in" line or cut a line in two. The formatter
escapes every control character of the message (tracebacks, which we write ourselves, keep
their lines).
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: object) -> str:
    """``text`` on one line: control characters as ``\\n``, ``\\x00``, ``\\u2028`` ..."""
    return _CONTROL.sub(_escape_one, str(text))


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class SafeFormatter(logging.Formatter):
    """A formatter whose message part is always one line of printable text."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = escape(record.message)
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
