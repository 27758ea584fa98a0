"""Small HTTP helpers shared by the board's routes: errors, JSON bodies, the manager check."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from .auth import COOKIE, Session

MAX_BODY = 16 * 1024  # a login or an action is a few hundred bytes


def error(message: str, status: int, code: str = "error") -> JSONResponse:
    return JSONResponse({"ok": False, "error": code, "message": message}, status)


class BadBody(ValueError):
    """The request body is not one small JSON document."""


async def json_body(request: Request) -> Any:
    """The body as JSON; BadBody for anything else: too large, not UTF-8, malformed, or
    nested too deep for the parser (RecursionError), never a 500."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise BadBody("body too large")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadBody("not JSON") from exc


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def manager(request: Request) -> Session | None:
    """The logged-in manager's session, or None."""
    return request.app.state.board.sessions.read(request.cookies.get(COOKIE))


def refuse_write(request: Request, session: Session | None) -> JSONResponse | None:
    """Why a manager's write request is refused (no session, other site, no CSRF token)."""
    if session is None:
        return error("log in first / 请先登录", 401, "unauthorized")
    board = request.app.state.board
    if not same_origin(request) or not board.sessions.csrf_ok(
        session, request.headers.get("x-csrf-token")
    ):
        return error("missing or wrong CSRF token", 403, "forbidden")
    return None


def writer(request: Request) -> Session | JSONResponse:
    """The manager's session for a write request, or the refusal to answer it with."""
    session = manager(request)
    refused = refuse_write(request, session)
    if refused is not None or session is None:  # refuse_write answers for a missing session
        return refused or error("log in first / 请先登录", 401, "unauthorized")
    return session
