"""Routes of the citizens' ticket page: ``/q/{hall}/{ticket}`` (and ``/q/{ticket}``), HTML or
``.json``. Public, read-only, no login: the answer is what :mod:`board.ticket_status` allows.

404 for an address that is no ticket number of this hall (wrong hall, wrong shape, a prefix no
service uses) and for a number not issued today; 503 while the broker's store cannot be read;
each page says which in plain words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .ticket_page import render

NO_CACHE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def _status(request: Request) -> dict[str, Any] | None:
    board = request.app.state.board
    hall = request.path_params.get("hall", board.cfg.hall.id)
    if hall != board.cfg.hall.id:
        return None
    now = board.hub.clock()
    return await run_in_threadpool(board.tickets.status, request.path_params["ticket"], now)


def _code(status: dict[str, Any] | None) -> int:
    if status is None or status["state"] == "unknown":
        return 404
    return 503 if status["state"] == "unavailable" else 200


async def ticket_json(request: Request) -> Response:
    status = await _status(request)
    body = status if status is not None else {"state": "bad", "message": "not a ticket number"}
    return JSONResponse(body, _code(status), headers=NO_CACHE)


async def ticket_html(request: Request) -> Response:
    board = request.app.state.board
    status = await _status(request)
    lang = "en" if request.query_params.get("lang") == "en" else "zh"
    hall = board.cfg.hall.name_en or board.cfg.hall.name if lang == "en" else board.cfg.hall.name
    now = datetime.fromtimestamp(board.hub.clock(), board.clock.tz).strftime("%H:%M:%S")
    page = render(status, lang=lang, hall=hall, time=now)
    return HTMLResponse(page, _code(status), headers=NO_CACHE)


ROUTES = [
    Route("/q/{hall}/{ticket}.json", ticket_json),
    Route("/q/{hall}/{ticket}", ticket_html),
    Route("/q/{ticket}.json", ticket_json),
    Route("/q/{ticket}", ticket_html),
]
