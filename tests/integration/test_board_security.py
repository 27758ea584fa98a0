"""The board's hardening (issue 17): the public view, security headers, malformed bodies, the
action log's mode, one log line per event (fake MQTT link, real HTTP server on 127.0.0.1)."""

import json
import logging
import os
import urllib.error
import urllib.request

import pytest

from board.server import BoardServer
from board.testing import Browser, next_matching
from board.users import Users, hash_password
from board.views import PUBLIC_WINDOW_FIELDS
from hallq.fakes import FakeLink

PASSWORD = "correct horse"


@pytest.fixture
def served(hall_cfg):
    link = FakeLink(hall_cfg.hall.id, "board")
    link.answer = lambda cmd: {"id": cmd["id"], "ok": True, "op": cmd["op"]}
    Users(hall_cfg.resolve("board-users.json")).add("wang", PASSWORD)
    with BoardServer(hall_cfg, link_factory=lambda _cfg, _dev: link) as server:
        t = link.topics
        link.deliver(
            t.window("w1"), {"window": "w1", "status": "open", "staff": "S07", "ticket": "A001"}
        )
        link.deliver(t.presence("kiosk1"), {"online": True, "printer": "paper_out"})
        yield server, link


def post_raw(url, data, headers=None):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_without_a_login_state_and_stream_show_only_the_public_view(served):
    server, _link = served
    anon, manager = Browser(server.url), Browser(server.url)
    status, snap = anon.request("/api/state")
    assert status == 200 and snap["windows"]["w1"]["ticket"] == "A001"
    for hidden in ("devices", "advice", "alerts", "staffing"):
        assert hidden not in snap
    assert "S07" not in json.dumps(snap) and "paper_out" not in json.dumps(snap)
    first = next(anon.stream())
    assert first["type"] == "snapshot" and "devices" not in first
    assert "staff" not in first["windows"]["w1"]
    assert manager.login("wang", PASSWORD) == 200
    full = manager.request("/api/state")[1]
    assert full["windows"]["w1"]["staff"] == "S07"
    assert full["devices"]["kiosk1"]["printer"] == "paper_out"
    assert next(manager.stream())["devices"]["kiosk1"]["printer"] == "paper_out"


def test_the_public_stream_gets_changes_without_staff_or_devices(served):
    server, link = served
    messages = Browser(server.url).stream()
    next(messages)
    link.deliver(link.topics.presence("kiosk2"), {"online": True, "printer": "cover_open"})
    link.deliver(link.topics.window("w2"), {"window": "w2", "status": "open", "staff": "S09"})
    link.deliver(link.topics.service("rs01"), {"service": "rs01", "waiting": 3})
    seen = []
    next_matching(messages, lambda m: seen.append(m) or m.get("kind") == "services")
    (window,) = [m for m in seen if m.get("kind") == "windows"]
    assert (window["data"]["window"], window["data"]["status"]) == ("w2", "open")
    assert set(window["data"]) == set(PUBLIC_WINDOW_FIELDS)  # no staff
    assert seen[-1]["data"]["waiting"] == 3
    assert not [m for m in seen if m["type"] == "alerts" or m.get("kind") in ("devices", "advice")]
    assert "cover_open" not in json.dumps(seen)


@pytest.mark.parametrize(
    "path", ["/", "/api/state", "/api/me", "/static/board.js", "/q/A001", "/nope"]
)
def test_every_response_carries_the_security_headers(served, path):
    server, _link = served
    try:
        resp = urllib.request.urlopen(server.url + path, timeout=15)
    except urllib.error.HTTPError as exc:
        resp = exc
    with resp:
        h = resp.headers
    csp = h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"


def test_malformed_and_deeply_nested_bodies_get_a_clean_400(served):
    server, link = served
    login = server.url + "/api/login"
    for body in (b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe", b"{", b"[]", b'"x"', b"x" * 20_000):
        status, reply = post_raw(login, body)
        assert (status, reply["ok"]) == (400, False), body[:10]
    b = Browser(server.url)
    assert b.login("wang", PASSWORD) == 200
    (cookie,) = list(b.jar)
    headers = {"Cookie": f"{cookie.name}={cookie.value}", "X-CSRF-Token": b.csrf}
    assert post_raw(server.url + "/api/action", b"[" * 100_000, headers)[0] == 400
    assert [p for topic, p in link.published if topic == link.topics.cmd("board")] == []


def test_the_action_log_is_private_even_if_it_was_not(served, hall_cfg):
    server, _link = served
    path = hall_cfg.resolve("board-actions.jsonl")
    path.write_text("")
    os.chmod(path, 0o644)
    b = Browser(server.url)
    assert b.login("wang", PASSWORD) == 200
    assert b.act(op="open", window="w1", staff="S07")[0] == 200
    assert path.stat().st_mode & 0o777 == 0o600
    path.unlink()
    assert b.act(op="close", window="w1")[0] == 200
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_name_or_reply_with_a_newline_makes_one_log_line(served, hall_cfg, caplog):
    server, link = served
    forged = "x\n2026-11-23 09:00:00 INFO board.app manager wang logged in"
    # an older or hand-edited users file may hold a name `board-user add` would refuse
    users = Users(hall_cfg.resolve("board-users.json"))
    users._save({forged: hash_password(PASSWORD)})
    link.answer = lambda cmd: {
        "id": cmd["id"],
        "ok": False,
        "error": "bad_state",
        "message": forged,
    }
    caplog.set_level(logging.INFO)
    b = Browser(server.url)
    assert b.login(forged, "wrong password") == 401
    assert b.login(forged, PASSWORD) == 200
    assert b.act(op="close", window="w1")[0] == 409
    board_lines = [r.getMessage() for r in caplog.records if r.name.startswith("board")]
    assert len(board_lines) >= 3
    assert not [line for line in board_lines if "\n" in line or "\r" in line]
