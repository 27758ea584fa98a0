"""Headers on every board response: a strict Content-Security-Policy and its companions.

The live board loads its script and style from ``/static`` only. The two pages the server
writes whole — the citizens' ticket page and the HTML report — carry one inline ``<style>``
(and the ticket page one ``<script>``); the policy allows exactly those by their SHA-256, so
an injected ``<script>`` or ``style`` attribute would not run. Framing is refused everywhere.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from starlette.datastructures import MutableHeaders

from . import report_render, ticket_page


def source_hash(text: str) -> str:
    """A CSP hash source for an inline block's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy() -> str:
    scripts = source_hash(ticket_page.SCRIPT)
    styles = " ".join(source_hash(s) for s in (ticket_page.STYLE, report_render.STYLE))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts}",
            f"style-src 'self' {styles}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


HEADERS = {
    "Content-Security-Policy": policy(),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """ASGI middleware: HEADERS on every HTTP response (a route's own value wins)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
