"""The board's 上门服务 routes (managers only; the public view never has them).

``GET /api/doorstep`` lists open requests and those closed in the last 30 days;
``POST /api/doorstep`` with ``{what, place, wanted?, note?}`` records one, and with
``{id, status}`` (``done`` | ``cancelled``) closes one (the CSRF token as for every write).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .doorstep import DoorstepRefused
from .http import BadBody, error, json_body, manager, writer

RECENT_S = 30 * 86400


async def doorsteps(request: Request) -> Response:
    if manager(request) is None:
        return error("log in first / 请先登录", 401, "unauthorized")
    board = request.app.state.board
    items = await run_in_threadpool(board.doorsteps.items, time.time() - RECENT_S)
    return JSONResponse({"items": [i.as_dict() for i in items]})


async def doorstep_action(request: Request) -> Response:
    session = writer(request)
    if isinstance(session, JSONResponse):
        return session
    try:
        body = await json_body(request)
    except BadBody:
        return error("send a JSON body", 400)
    if not isinstance(body, dict):
        return error("send a JSON object", 400)
    try:
        item = await run_in_threadpool(_act, request.app.state.board, session.user, body)
    except DoorstepRefused as exc:
        return error(str(exc), exc.status, "refused")
    return JSONResponse({"ok": True, "item": item.as_dict()})


def _act(board: Any, user: str, body: dict[str, Any]) -> Any:
    if "id" in body:
        try:
            request_id = int(body["id"])
        except (TypeError, ValueError) as exc:
            raise DoorstepRefused("id must be a number") from exc
        return board.doorsteps.close(request_id, str(body.get("status")), user, time.time())
    fields = {k: body.get(k) for k in ("what", "place", "wanted", "note")}
    return board.doorsteps.add(user, time.time(), **fields)


ROUTES = [
    Route("/api/doorstep", doorsteps),
    Route("/api/doorstep", doorstep_action, methods=["POST"]),
]
