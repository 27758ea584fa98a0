"""The board's web app (Starlette): the page, its live SSE stream, login, actions, reports.

``create_app(cfg, link_factory=...)`` builds everything from the hall config; tests pass a
fake link factory or point the config at a test Mosquitto. Nothing connects until the app's
lifespan starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hallq.client import CommandClient
from hallq.config import BoardDevice, HallConfig
from hallq.core.clock import HallClock
from hallq.logs import printable
from hallq.mqtt import MqttLink

from . import period, ratings_export, report
from .actions import ActionLog, ActionRefused, perform
from .advice import Names
from .auth import COOKIE, Session, Sessions, load_secret
from .doorstep import Doorsteps
from .doorstep_routes import ROUTES as DOORSTEP_ROUTES
from .followup import for_config as followups_for
from .followup_routes import ROUTES as FOLLOWUP_ROUTES
from .history import HistoryError, read_events, store_path
from .http import BadBody, error, json_body, same_origin, writer
from .hub import Hub
from .security import SecurityHeaders
from .stats import day_report
from .throttle import Throttle
from .ticket_routes import ROUTES as TICKET_ROUTES
from .ticket_source import TicketSource
from .users import Users
from .views import public_message

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
HEARTBEAT_S = 5.0
LinkFactory = Callable[[HallConfig, str], Any]


class Board:
    """Everything the routes need, built once per app."""

    def __init__(
        self,
        cfg: HallConfig,
        device_id: str,
        link_factory: LinkFactory,
        secure_cookies: bool = False,
    ) -> None:
        self.cfg = cfg
        dev = cfg.device(device_id)
        users_file = cfg.resolve(dev.users_file if isinstance(dev, BoardDevice) else "users.json")
        self.users = Users(users_file)
        self.sessions = Sessions(
            load_secret(users_file.with_name("board-secret.key")),
            users_file.with_name("board-sessions.json"),
            self.users.stamp,
            secure=secure_cookies,
        )
        self.actions = ActionLog(users_file.with_name("board-actions.jsonl"))
        self.throttle = Throttle(users_file.with_name("board-throttle.json"))
        layout = cfg.layout()
        self.clock = HallClock(layout.timezone, layout.day_start_min, layout.hours)
        self.link = link_factory(cfg, device_id)
        self.client = CommandClient(self.link)
        roles = {d.id: d.role for d in cfg.devices}
        departments = {w.id: w.department for w in cfg.windows}
        self.hub = Hub(self.link, roles, departments, info=_info(cfg), names=Names.from_config(cfg))
        self.store = store_path(cfg)
        self.tickets = TicketSource(layout, self.store)  # the citizens' /q/ pages
        self.followups = followups_for(cfg, device_id)  # 差评整改
        self.doorsteps = Doorsteps(users_file.with_name("board-doorstep.sqlite"))  # 上门服务

    def session(self, request: Request) -> Session | None:
        return self.sessions.read(request.cookies.get(COOKIE))

    def today(self) -> str:
        return self.clock.business_day(self.hub.clock())


def _info(cfg: HallConfig) -> dict[str, Any]:
    """What the page needs besides live state: names for the hall and its services."""
    return {
        "hall": cfg.hall.name,
        "hall_en": cfg.hall.name_en or cfg.hall.name,
        "services": {s.code: [s.name, s.name_en or s.name] for s in cfg.services},
        "windows": {w.id: [w.name, w.name_en or w.name] for w in cfg.windows},
        "rooms": {r.id: [r.name, r.name_en or r.name] for r in cfg.rooms},
        "departments": {d.id: [d.name, d.name_en or d.name] for d in cfg.departments},
        "matters": {m.id: [m.name, m.name_en or m.name] for m in cfg.matters},
        "agency_desks": [w.id for w in cfg.windows if w.agency],  # 帮办代办
    }


# ------------------------------------------------------------------ live board
async def page(_request: Request) -> Response:
    return FileResponse(STATIC / "board.html", headers={"Cache-Control": "no-cache"})


async def state(request: Request) -> Response:
    board: Board = request.app.state.board
    snap = board.hub.snapshot()
    return JSONResponse(snap if board.session(request) else public_message(snap))


async def stream(request: Request) -> Response:
    """Managers get the full view; anyone else the public one (board/views.py). A manager's
    stream ends at the first heartbeat after the session ends; the page reconnects."""
    board: Board = request.app.state.board
    cookie = request.cookies.get(COOKIE)
    manager = board.sessions.read(cookie) is not None

    def still_manager() -> bool:
        return board.sessions.read(cookie) is not None

    return StreamingResponse(
        _events(board.hub, still_manager if manager else None),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(hub: Hub, still_manager: Callable[[], bool] | None) -> AsyncIterator[str]:
    """SSE text: the full view while ``still_manager()``, the public view without it."""

    def view(msg: dict[str, Any]) -> dict[str, Any] | None:
        return msg if still_manager else public_message(msg)

    q = hub.attach()
    try:
        yield "retry: 2000\n\n" + _sse(view(hub.snapshot()))
        while not hub.closing:
            try:
                msg = await asyncio.wait_for(q.get(), HEARTBEAT_S)
            except TimeoutError:
                if still_manager is None:
                    yield _sse({"type": "tick", "now": hub.clock()})  # keep-alive
                elif still_manager():
                    yield _sse(hub.alerts())  # alerts age with the clock; doubles as keep-alive
                else:
                    return  # logged out or removed: reconnecting gives the public view
                continue
            if msg is None:
                return
            shown = view(msg)
            if shown is not None:
                yield _sse(shown)
            if still_manager and msg.get("type") == "change" and q.empty():
                yield _sse(hub.alerts())
    finally:
        hub.detach(q)


def _sse(msg: dict[str, Any] | None) -> str:
    return f"data: {json.dumps(msg, ensure_ascii=False)}\n\n"


async def hourly(request: Request) -> Response:
    board: Board = request.app.state.board
    day = request.query_params.get("day") or board.today()
    if not report.DAY.match(day):
        return error("day must be YYYY-MM-DD", 400)
    try:
        events = await run_in_threadpool(read_events, board.store, day)
    except HistoryError as exc:
        log.info("no hourly history: %s", exc)
        events = []
    r = day_report(events, day, board.clock.tz.key)
    r.span = report.opening_span(board.clock.hours)
    return JSONResponse({"day": day, "hours": report.hourly_rows(r)})


# ------------------------------------------------------------------ login, actions
async def me(request: Request) -> Response:
    s = request.app.state.board.session(request)
    return JSONResponse({"user": s.user if s else None, "csrf": s.csrf if s else None})


async def login(request: Request) -> Response:
    board: Board = request.app.state.board
    if not same_origin(request):
        return error("cross-site request refused", 403, "forbidden")
    try:
        body = await json_body(request)
        name, password = str(body["name"]), str(body["password"])
    except (BadBody, KeyError, TypeError):
        return error("send JSON {name, password}", 400)
    address = request.client.host if request.client else ""
    wait = board.throttle.wait_s(address, name)
    if wait > 0:
        return _locked(wait)
    if not await run_in_threadpool(board.users.verify, name, password):
        board.throttle.failed(address, name)
        log.warning("failed board login for %s from %s", printable(name), printable(address))
        return error("wrong name or password / 用户名或密码错误", 401, "unauthorized")
    board.throttle.succeeded(address, name)
    cookie, session = await run_in_threadpool(board.sessions.issue, name)
    resp = JSONResponse({"user": name, "csrf": session.csrf})
    resp.set_cookie(**board.sessions.cookie_args(cookie))
    log.info("manager %s logged in from %s", printable(name), printable(address))
    return resp


def _locked(wait_s: float) -> Response:
    seconds = math.ceil(wait_s)
    resp = error(
        f"登录失败次数过多，请 {seconds} 秒后再试 / too many failed logins: try in {seconds} s",
        429,
        "locked",
    )
    resp.headers["Retry-After"] = str(seconds)
    return resp


async def logout(request: Request) -> Response:
    """Ends the session on the server too: a copy of the cookie no longer works."""
    board: Board = request.app.state.board
    session = board.session(request)
    if session is not None:
        board.sessions.end(session)
        log.info("manager %s logged out", printable(session.user))
    resp = JSONResponse({"user": None})
    resp.delete_cookie(COOKIE, path="/", secure=board.sessions.secure, samesite="strict")
    return resp


async def action(request: Request) -> Response:
    board: Board = request.app.state.board
    session = writer(request)
    if isinstance(session, JSONResponse):
        return session
    try:
        body = await json_body(request)
    except BadBody:
        return error("send a JSON body", 400)
    try:
        reply = await run_in_threadpool(perform, board.client, board.actions, session.user, body)
    except ActionRefused as exc:
        return error(str(exc), exc.status, exc.code)
    return JSONResponse({"ok": True, "reply": reply})


async def report_page(request: Request) -> Response:
    """``/report?day=|month=|quarter=|year=&format=``; ``/ratings?…`` the 好差评 export."""
    board: Board = request.app.state.board
    if board.session(request) is None:
        return error("log in first / 请先登录", 401, "unauthorized")
    fmt = request.query_params.get("format", "html")
    try:
        chosen = period.from_query(dict(request.query_params), board.today())
    except period.PeriodError as exc:
        return error(str(exc), 400)
    if fmt not in report.FORMATS:
        return error("format must be html, csv or xlsx", 400)
    ratings = request.url.path == "/ratings"
    build = ratings_export.build_ratings if ratings else report.build
    try:
        body = await run_in_threadpool(build, board.cfg, chosen, fmt, board.store)
    except HistoryError as exc:
        return error(str(exc), 404, "no_history")
    media, ext = report.FORMATS[fmt]
    name = f"hallq-{'ratings-' if ratings else ''}{chosen.label}.{ext}"
    disposition = "inline" if fmt == "html" else f'attachment; filename="{name}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


# ------------------------------------------------------------------ wiring
def create_app(
    cfg: HallConfig,
    link_factory: LinkFactory = MqttLink.from_config,
    device_id: str = "board",
    secure_cookies: bool = False,
) -> Starlette:
    """``secure_cookies``: the board is served over HTTPS, so its cookie is ``Secure``."""
    board = Board(cfg, device_id, link_factory, secure_cookies)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        board.hub.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            await run_in_threadpool(board.hub.stop)

    routes = [
        Route("/", page),
        Route("/api/state", state),
        Route("/api/stream", stream),
        Route("/api/hourly", hourly),
        Route("/api/me", me),
        Route("/api/login", login, methods=["POST"]),
        Route("/api/logout", logout, methods=["POST"]),
        Route("/api/action", action, methods=["POST"]),
        Route("/report", report_page),
        Route("/ratings", report_page),
        *FOLLOWUP_ROUTES,
        *DOORSTEP_ROUTES,
        *TICKET_ROUTES,
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(SecurityHeaders)])
    app.state.board = board
    return app
