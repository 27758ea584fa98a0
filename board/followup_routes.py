"""The board's 差评整改 routes (managers only).

``GET /api/followups`` finds new 差评 in the store first (board/followup.py ``sync``) and
answers the items still to do plus those closed in the last 30 days, newest first, with the
departments to assign to. ``POST /api/followups`` with ``{key, action, department?, note?}``
(and the CSRF token) assigns, handles or closes one.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hallq.logs import printable

from .followup import FollowupRefused, Status, sync
from .history import HistoryError
from .http import BadBody, error, json_body, manager, writer

log = logging.getLogger(__name__)
RECENT_CLOSED_DAYS = 30


def _listing(board: Any) -> dict[str, Any]:
    f = board.followups
    problem = ""
    try:
        sync(f, board.store, board.cfg.hall.timezone)
    except HistoryError as exc:  # the items already found still show
        problem = str(exc)
        log.info("follow-ups not refreshed: %s", exc)
    today = board.today()
    since = (date.fromisoformat(today) - timedelta(days=RECENT_CLOSED_DAYS)).isoformat()
    items = [
        i.as_dict(today)
        for i in f.items()
        if i.status is not Status.CLOSED or i.actions[-1]["day"] >= since
    ]
    items.sort(key=lambda i: i["at"], reverse=True)
    cfg = board.cfg
    for i in items:
        i["window_name"] = next((w.name for w in cfg.windows if w.id == i["window"]), i["window"])
    departments = [[d.id, d.name, d.name_en or d.name] for d in cfg.departments]
    return {"today": today, "items": items, "departments": departments, "problem": problem}


async def followups(request: Request) -> Response:
    if manager(request) is None:
        return error("log in first / 请先登录", 401, "unauthorized")
    board = request.app.state.board
    return JSONResponse(await run_in_threadpool(_listing, board))


async def followup_action(request: Request) -> Response:
    session = writer(request)
    if isinstance(session, JSONResponse):
        return session
    try:
        body = await json_body(request)
        key, action = str(body["key"]), str(body["action"])
    except (BadBody, KeyError, TypeError):
        return error("send JSON {key, action, department?, note?}", 400)
    board = request.app.state.board
    fields = {k: body.get(k) for k in ("department", "note")}
    try:
        item = await run_in_threadpool(
            board.followups.act, key, action, session.user, time.time(), **fields
        )
    except FollowupRefused as exc:
        log.info("follow-up %s by %s refused: %s", printable(key), printable(session.user), exc)
        return error(str(exc), exc.status, exc.code)
    return JSONResponse({"ok": True, "item": item.as_dict(board.today())})


ROUTES = [
    Route("/api/followups", followups),
    Route("/api/followups", followup_action, methods=["POST"]),
]
