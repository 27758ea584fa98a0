"""No login bypass: manager actions and reports refuse without a valid session (fake MQTT link,
real HTTP server on 127.0.0.1)."""

import json
import time

import pytest

from board.auth import COOKIE
from board.server import BoardServer
from board.testing import Browser
from board.users import Users
from board.users import main as users_main
from hallq.fakes import FakeLink

PASSWORD = "correct horse"


@pytest.fixture
def served(hall_cfg):
    link = FakeLink(hall_cfg.hall.id, "board")
    link.answer = lambda cmd: {"id": cmd["id"], "ok": True, "op": cmd["op"]}
    Users(hall_cfg.resolve("board-users.json")).add("wang", PASSWORD)
    with BoardServer(hall_cfg, link_factory=lambda _cfg, _dev: link) as server:
        yield server, link


def commands(link):
    return [p for topic, p in link.published if topic == link.topics.cmd("board")]


def test_the_users_file_holds_no_password(hall_cfg):
    path = hall_cfg.resolve("board-users.json")
    Users(path).add("li", "s3cret-pass")
    text = path.read_text()
    assert "s3cret-pass" not in text
    record = json.loads(text)["users"]["li"]
    assert len(bytes.fromhex(record["salt"])) == 16 and len(bytes.fromhex(record["hash"])) == 32
    assert path.stat().st_mode & 0o077 == 0
    assert Users(path).verify("li", "s3cret-pass") and not Users(path).verify("li", "s3cret")


def test_actions_refuse_without_a_session(served):
    server, link = served
    b = Browser(server.url)
    status, body = b.act(op="open", window="w1")
    assert (status, body["error"]) == (401, "unauthorized")
    assert commands(link) == []


def test_wrong_password_and_forged_cookie_get_nothing(served):
    server, link = served
    b = Browser(server.url)
    assert b.login("wang", "wrong password") == 401
    assert b.login("nobody", PASSWORD) == 401
    b.request("/")  # a cookie the server did not sign
    status, _ = b.request(
        "/api/action",
        {"op": "open", "window": "w1"},
        {"Cookie": "hallq_board=eyJ1Ijoid2FuZyIsImMiOiJ4In0.forged.sig", "X-CSRF-Token": "x"},
    )
    assert status == 401
    assert b.request("/report")[0] == 401
    assert commands(link) == []


def test_a_session_without_the_csrf_token_or_from_another_site_is_refused(served):
    server, link = served
    b = Browser(server.url)
    assert b.login("wang", PASSWORD) == 200
    status, _ = b.request("/api/action", {"op": "open", "window": "w1"})
    assert status == 403
    status, _ = b.request(
        "/api/action",
        {"op": "open", "window": "w1"},
        {"X-CSRF-Token": b.csrf, "Origin": "http://evil.example"},
    )
    assert status == 403
    assert commands(link) == []


def test_a_logged_in_manager_acts_and_the_action_is_logged_with_the_name(served, hall_cfg):
    server, link = served
    b = Browser(server.url)
    assert b.login("wang", PASSWORD) == 200
    status, body = b.act(op="set_services", window="w2", services={"rs02": "secondary"})
    assert status == 200 and body["ok"]
    (cmd,) = commands(link)
    assert cmd["op"] == "set_services" and cmd["by"] == "wang"
    assert cmd["services"] == {"rs02": "secondary"}
    lines = hall_cfg.resolve("board-actions.jsonl").read_text().splitlines()
    logged = json.loads(lines[-1])
    assert (logged["user"], logged["op"], logged["result"]) == ("wang", "set_services", "ok")


def test_bad_actions_are_refused_with_a_reason(served):
    server, link = served
    b = Browser(server.url)
    assert b.login("wang", PASSWORD) == 200
    assert b.act(op="issue", service="rs01")[0] == 400  # not a manager op
    status, body = b.act(op="set_services", window="w2", services={"rs02": "tertiary"})
    assert status == 400 and "services" in body["message"]
    assert b.act(op="pause")[0] == 400  # which window?
    assert commands(link) == []


def test_repeated_failures_slow_the_address_down_even_after_a_restart(hall_cfg):
    link = FakeLink(hall_cfg.hall.id, "board")
    Users(hall_cfg.resolve("board-users.json")).add("wang", PASSWORD)
    frozen = time.time()
    with BoardServer(hall_cfg, link_factory=lambda _cfg, _dev: link) as server:
        server.app.state.board.throttle.clock = lambda: frozen
        b = Browser(server.url)
        for _ in range(5):
            assert b.login("wang", "nope-nope") == 401
        status, body = b.request("/api/login", {"name": "wang", "password": PASSWORD})
        assert (status, body["error"]) == (429, "locked") and "1 s" in body["message"]
    with BoardServer(hall_cfg, link_factory=lambda _cfg, _dev: link) as server:
        throttle = server.app.state.board.throttle
        throttle.clock = lambda: frozen
        assert Browser(server.url).login("wang", PASSWORD) == 429  # a restart gives no new tries
        throttle.clock = lambda: frozen + 1
        assert Browser(server.url).login("wang", PASSWORD) == 200


def copied_cookie(b):
    (cookie,) = [c for c in b.jar if c.name == COOKIE]
    return {"Cookie": f"{COOKIE}={cookie.value}", "X-CSRF-Token": b.csrf}


def act_with(server, headers):
    return Browser(server.url).request("/api/action", {"op": "open", "window": "w1"}, headers)[0]


def test_logout_ends_the_session_on_the_server(served):
    server, link = served
    b = Browser(server.url)
    assert b.login("wang", PASSWORD) == 200
    copy = copied_cookie(b)
    assert act_with(server, copy) == 200
    assert b.request("/api/logout", {})[0] == 200
    assert act_with(server, copy) == 401
    assert Browser(server.url).request("/api/me", headers=copy)[1]["user"] is None
    assert len(commands(link)) == 1


def test_removing_a_user_or_a_new_password_ends_their_sessions(served, hall_cfg, monkeypatch):
    server, link = served
    path = str(hall_cfg.resolve("board-users.json"))
    first, second = Browser(server.url), Browser(server.url)
    assert first.login("wang", PASSWORD) == 200 and second.login("wang", PASSWORD) == 200
    monkeypatch.setenv("HALLQ_BOARD_PASSWORD", "a new password")
    assert users_main(["--file", path, "add", "wang"]) == 0  # the password changed
    assert act_with(server, copied_cookie(first)) == 401
    assert first.login("wang", "a new password") == 200
    assert act_with(server, copied_cookie(first)) == 200
    assert users_main(["--file", path, "remove", "wang"]) == 0
    assert act_with(server, copied_cookie(first)) == 401
    assert act_with(server, copied_cookie(second)) == 401
    assert len(commands(link)) == 1


def test_a_session_survives_a_board_restart(hall_cfg):
    link = FakeLink(hall_cfg.hall.id, "board")
    link.answer = lambda cmd: {"id": cmd["id"], "ok": True, "op": cmd["op"]}
    Users(hall_cfg.resolve("board-users.json")).add("wang", PASSWORD)
    with BoardServer(hall_cfg, link_factory=lambda _cfg, _dev: link) as server:
        b = Browser(server.url)
        assert b.login("wang", PASSWORD) == 200
        copy = copied_cookie(b)
    assert hall_cfg.resolve("board-sessions.json").stat().st_mode & 0o077 == 0
    with BoardServer(hall_cfg, link_factory=lambda _cfg, _dev: link) as server:
        assert act_with(server, copy) == 200
