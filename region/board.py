"""The region board (Starlette + SSE, the hall board's stack): every hall at a glance, region
alerts, a hall's own view, bookings. Logins are scoped (region.toml ``[[managers]]``): a
township manager sees and acts on their own hall only, a county manager (``halls = ["*"]``)
on all. Sessions and password hashes are the hall board's (board/auth.py, board/users.py).

``GET /api/halls`` is for scripts and third-party dashboards too: a session cookie, or HTTP
Basic with a region board login (the same scope applies).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from board.auth import COOKIE, Sessions, load_secret
from board.users import Users
from hallq import contract as c

from . import reports
from .bookings import BookingError
from .service import RegionService

STATIC = Path(__file__).parent / "static"
MAX_BODY = 4096


class Scope:
    """Who asks, and which halls they may see and act on."""

    def __init__(self, user: str, halls: set[str], csrf: str | None) -> None:
        self.user, self.halls, self.csrf = user, halls, csrf

    @property
    def home(self) -> str:
        """The hall a booking is made from (a township manager's own; county: 'region')."""
        return next(iter(self.halls)) if len(self.halls) == 1 else "region"


class RegionBoard:
    def __init__(self, service: RegionService) -> None:
        self.service, cfg = service, service.cfg
        users_file = cfg.resolve(cfg.board.users_file)
        self.users = Users(users_file)
        self.sessions = Sessions(
            load_secret(users_file.with_name("region-secret.key")),
            users_file.with_name("region-sessions.json"),
            self.users.stamp,
        )

    def scope(self, request: Request) -> Scope | None:
        session = self.sessions.read(request.cookies.get(COOKIE))
        if session is not None:
            return Scope(session.user, self.service.cfg.scope(session.user), session.csrf)
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            if self.users.verify(user, password):
                return Scope(user, self.service.cfg.scope(user), None)
        return None


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "message": message}, status)


def _board(request: Request) -> RegionBoard:
    board: RegionBoard = request.app.state.board
    return board


def _scoped(request: Request) -> Scope | None:
    return _board(request).scope(request)


async def page(_request: Request) -> Response:
    return FileResponse(STATIC / "region.html", headers={"Cache-Control": "no-cache"})


async def login(request: Request) -> Response:
    board = _board(request)
    try:
        body = json.loads(await request.body())
        user, password = str(body["user"]), str(body["password"])
    except (ValueError, KeyError, TypeError):
        return _error("bad request", 400)
    ok = await run_in_threadpool(board.users.verify, user, password)
    if not ok or not board.service.cfg.scope(user):
        return _error("用户名或密码错误 / wrong user or password", 401)
    cookie, session = board.sessions.issue(user)
    resp = JSONResponse({"ok": True, "user": user, "csrf": session.csrf})
    resp.set_cookie(**board.sessions.cookie_args(cookie))
    return resp


async def logout(request: Request) -> Response:
    board = _board(request)
    session = board.sessions.read(request.cookies.get(COOKIE))
    if session is not None:
        board.sessions.end(session)
    resp = JSONResponse({"ok": True})
    resp.delete_cookie(COOKIE, path="/")
    return resp


async def me(request: Request) -> Response:
    scope = _scoped(request)
    if scope is None:
        return _error("login required", 401)
    return JSONResponse({"user": scope.user, "halls": sorted(scope.halls), "csrf": scope.csrf})


async def halls(request: Request) -> Response:
    scope = _scoped(request)
    if scope is None:
        return _error("login required", 401)
    rows = _board(request).service.rows(scope.halls)
    return JSONResponse([c.to_builtins(r) for r in rows])


async def hall_detail(request: Request) -> Response:
    scope = _scoped(request)
    hall = request.path_params["hall"]
    if scope is None:
        return _error("login required", 401)
    if hall not in scope.halls:
        return _error("无权查看该大厅 / not your hall", 403)
    return JSONResponse(_board(request).service.detail(hall))


async def stream(request: Request) -> Response:
    scope = _scoped(request)
    if scope is None:
        return _error("login required", 401)
    return StreamingResponse(
        _events(_board(request).service, scope.halls),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(service: RegionService, scope: set[str]) -> AsyncIterator[str]:
    """The scoped halls and alerts now, then on every change (at most 4 a second) and at
    least every 2 s (stale_s keeps growing)."""
    version = -1
    while True:
        rows = service.rows(scope)
        msg = {"halls": [c.to_builtins(r) for r in rows], "alerts": service.alerts(scope)}
        yield f"data: {json.dumps(msg, ensure_ascii=False)}\n\n"
        version = await run_in_threadpool(service.wait_for_change, version, 2.0)
        await asyncio.sleep(0.25)


async def _acting(request: Request) -> tuple[Scope, dict[str, Any]] | Response:
    scope = _scoped(request)
    if scope is None:
        return _error("login required", 401)
    if scope.csrf is None or request.headers.get("x-csrf-token") != scope.csrf:
        return _error("CSRF token missing", 403)
    raw = await request.body()
    try:
        body = json.loads(raw) if len(raw) <= MAX_BODY else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _error("bad request", 400)
    return scope, body


async def offer(request: Request) -> Response:
    scope = _scoped(request)
    if scope is None:
        return _error("login required", 401)
    bookings = _board(request).service.bookings
    q = request.query_params
    if q.get("hall") and q.get("service") and q.get("day"):
        try:
            found = bookings.slots(q["hall"], q["service"], q["day"])
        except ValueError:
            return _error("day must be YYYY-MM-DD", 400)
        return JSONResponse(found)
    return JSONResponse({"offer": bookings.offer(), "bookings": bookings.listing(scope.halls)})


async def book(request: Request) -> Response:
    got = await _acting(request)
    if isinstance(got, Response):
        return got
    scope, body = got
    try:
        notice = _board(request).service.bookings.book(
            str(body.get("hall")),
            str(body.get("service")),
            str(body.get("day")),
            str(body.get("start")),
            user=scope.user,
            by_hall=scope.home,
        )
    except BookingError as exc:
        return _error(str(exc), 409)
    return JSONResponse({"ok": True, **c.to_builtins(notice), "qr": qr_svg(notice.code)})


async def cancel(request: Request) -> Response:
    got = await _acting(request)
    if isinstance(got, Response):
        return got
    scope, body = got
    bookings = _board(request).service.bookings
    row = bookings.get(str(body.get("code", "")))
    if row is None or not ({row["hall"], row["by_hall"]} & scope.halls):
        return _error("没有这个预约 / no such booking", 404)
    try:
        notice = bookings.cancel(row["code"])
    except BookingError as exc:
        return _error(str(exc), 409)
    return JSONResponse({"ok": True, **c.to_builtins(notice)})


REPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def report(request: Request) -> Response:
    """``GET /api/reports?period=YYYY-MM-DD|YYYY-MM[&format=csv|xlsx]``: the halls in scope
    side by side (JSON without ``format``)."""
    scope = _scoped(request)
    if scope is None:
        return _error("login required", 401)
    period, fmt = request.query_params.get("period", ""), request.query_params.get("format")
    if fmt is not None and fmt not in REPORT_TYPES:
        return _error("format must be csv or xlsx", 400)
    service = _board(request).service
    try:
        first, last = reports.period_days(period)
    except reports.PeriodError as exc:
        return _error(str(exc), 400)
    period = first if first == last else first[:7]  # normalised: safe in a file name
    figs = await run_in_threadpool(service.report, period, scope.halls)
    if fmt is None:
        return JSONResponse({"period": period, "halls": [reports.as_json(f) for f in figs]})
    title = f"{service.cfg.region.name} 区域报表 Region report"
    render = reports.to_csv if fmt == "csv" else reports.to_xlsx
    return Response(
        render(figs, title, period),
        media_type=REPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="region-{period}.{fmt}"'},
    )


def qr_svg(text: str) -> str:
    """The booking code as an SVG QR code (printed on the township's printer)."""
    import io

    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return out.getvalue().decode()


def create_app(service: RegionService) -> Starlette:
    routes = [
        Route("/", page),
        Route("/api/login", login, methods=["POST"]),
        Route("/api/logout", logout, methods=["POST"]),
        Route("/api/me", me),
        Route("/api/halls", halls),
        Route("/api/halls/{hall}", hall_detail),
        Route("/api/stream", stream),
        Route("/api/bookings", offer),
        Route("/api/bookings", book, methods=["POST"]),
        Route("/api/bookings/cancel", cancel, methods=["POST"]),
        Route("/api/reports", report),
    ]
    app = Starlette(routes=routes)
    app.state.board = RegionBoard(service)
    return app
