"""The board against real Mosquitto and the broker service: live state, actions, reports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from board import report
from board.server import BoardServer
from board.testing import Browser, next_matching, wait_until
from board.users import Users
from broker import service as broker_service

PASSWORD = "manager-pass"


@pytest.fixture
def board(broker, mosquitto):
    Users(mosquitto.cfg.resolve("board-users.json")).add("wang", PASSWORD)
    with BoardServer(mosquitto.cfg) as server:
        yield server


def state(b):
    return b.request("/api/state")[1]


def test_the_stream_shows_a_ticket_issued_then_called(board, device):
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200  # staff, devices, alerts, advice: managers only
    _c1, counter = device("counter1")
    _k1, kiosk = device("kiosk1")
    counter.send("open", staff="zhang")
    messages = b.stream()
    first = next(messages)
    assert first["type"] == "snapshot" and first["info"]["hall"] == "测试政务服务中心"
    ticket = kiosk.send("issue", service="rs01").ticket
    next_matching(
        messages,
        lambda m: m.get("kind") == "services" and m["key"] == "rs01" and m["data"]["waiting"] == 1,
    )
    counter.send("call_next")
    called = next_matching(messages, lambda m: m.get("kind") == "call")
    assert called["data"]["ticket"] == ticket and called["data"]["window"] == "w1"
    w1 = wait_until(lambda: state(b)["windows"]["w1"]["ticket"] == ticket and state(b))
    assert w1["windows"]["w1"]["staff"] == "zhang"


def test_a_manager_action_changes_the_hall_and_alerts_follow(board, broker, device):
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200  # staff, devices, alerts, advice: managers only
    _c1, counter1 = device("counter1")
    _c2, counter2 = device("counter2")
    _k1, kiosk = device("kiosk1")
    counter1.send("open", staff="zhang")
    counter2.send("open", staff="li")
    for _ in range(3):
        kiosk.send("issue", service="rs02")  # 3 x 8 min on one window: over the 20 min target

    def idle_alert():
        alerts = state(b)["alerts"]
        return next((a for a in alerts if a["kind"] == "idle_window"), None)

    alert = wait_until(idle_alert, what="the idle-window alert")
    assert alert["key"] == "w2" and "养老保险待遇" in alert["zh"]
    status, body = b.act(**alert["action"])
    assert status == 200, body
    assert broker.service.engine.windows["w2"].services["rs02"] == "secondary"
    wait_until(lambda: state(b)["windows"]["w2"]["services"].get("rs02") == "secondary")
    wait_until(lambda: idle_alert() is None, what="the alert to clear")
    status, body = b.act(op="pause", window="w1", reason="午休")
    assert status == 200
    wait_until(lambda: state(b)["windows"]["w1"]["status"] == "paused")


def test_a_refused_action_is_reported_not_hidden(board, device):
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200
    status, body = b.act(op="pause", window="w3")  # w3 is closed
    assert status == 409 and body["error"] == "window_closed"


def test_device_offline_is_seen_with_its_time(board, device):
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200  # staff, devices, alerts, advice: managers only
    k1, _kiosk = device("kiosk1")
    wait_until(lambda: state(b)["devices"].get("kiosk1", {}).get("online"))
    k1.set_presence(printer="paper_out")
    wait_until(lambda: any(a["kind"] == "printer" for a in state(b)["alerts"]), what="paper out")
    k1.stop()
    dev = wait_until(lambda: (d := state(b)["devices"]["kiosk1"]) and not d["online"] and d)
    assert dev["role"] == "kiosk" and dev["changed_at"] > 0
    assert any(a["kind"] == "device_offline" and a["key"] == "kiosk1" for a in state(b)["alerts"])


def test_reports_from_the_store_in_three_formats(board, broker, device, tmp_path, mosquitto):
    _c1, counter = device("counter1")
    _k1, kiosk = device("kiosk1")
    counter.send("open", staff="zhang")
    for _ in range(2):
        kiosk.send("issue", service="rs01")
    counter.send("call_next")
    counter.send("finish")
    day = broker.service.engine.day
    cfg_path = mosquitto.cfg.source
    out = tmp_path / "r.csv"
    assert (
        report.main(["--config", cfg_path, "--day", day, "--format", "csv", "--out", str(out)]) == 0
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    service = next(r for r in rows if r[:2] == ["事项 Service", "rs01"])
    assert service[2] == "社保参保登记" and service[3] == "2"
    xlsx = tmp_path / "r.xlsx"
    assert (
        report.main(["--config", cfg_path, "--day", day, "--format", "xlsx", "--out", str(xlsx)])
        == 0
    )
    sheet = load_workbook(xlsx)["汇总 Summary"]
    assert [c.value for c in sheet[3]][:4] == ["全厅 Hall", "total", "测试政务服务中心", 2]
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200
    status, html = b.request(f"/report?day={day}")
    assert status == 200 and b"data:image/png;base64," in html and "社保参保登记".encode() in html
    assert (
        report.main(
            [
                "--config",
                cfg_path,
                "--day",
                "2001-01-01",
                "--format",
                "csv",
                "--out",
                str(tmp_path / "empty.csv"),
            ]
        )
        == 0
    )


def test_the_brokers_staffing_advice_reaches_the_stream_and_its_move_works(board, broker, device):
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200  # staff, devices, alerts, advice: managers only
    # the advice the broker publishes within a tick of connecting (an empty hall): after it,
    # nothing new comes until the refresh this test shortens below
    wait_until(lambda: state(b)["advice"], what="the broker's first staffing advice")
    _c1, counter1 = device("counter1")
    _k1, kiosk = device("kiosk1")
    counter1.send("open", staff="zhang")
    messages = b.stream()
    assert next(messages)["type"] == "snapshot"
    for _ in range(10):
        kiosk.send("issue", service="rs02")
    broker_service.REFRESH_S, before = 0.5, broker_service.REFRESH_S  # the next refresh, soon
    try:
        change = next_matching(messages, lambda m: m.get("kind") == "advice" and m["data"]["moves"])
    finally:
        broker_service.REFRESH_S = before
    need = change["data"]["needs"][0]
    assert need["department"] == "rs" and need["windows_serving"] == 1
    staffing = wait_until(lambda: state(b)["staffing"], what="the advice view")
    pool = staffing["pools"][0]
    assert pool["short"] and pool["name"] == "人社局"
    opening = next(m for m in staffing["moves"] if m["action"] == "open")
    names = {"w2": "开放 2号窗口 办理 ", "w3": "开放 3号综合窗口 办理 "}  # closed, both take rs01
    assert opening["zh"] == names[opening["window"]] + "社保参保登记、养老保险待遇"
    assert opening["command"] == {"op": "open", "window": opening["window"]}
    status, body = b.act(**opening["command"])
    assert status == 200, body
    assert broker.service.engine.windows[opening["window"]].status == "open"
