"""The hand-computed month (tests/month_data.py) from a real event store: `hallq
report --month/--quarter/--year` in three formats, the board's /report and /ratings, and the
差评 follow-up list handled through the board's HTTP API (real server, fake MQTT link)."""

import csv
import io

import pytest
from halls import DATA, write_test_hall
from month_data import MONTH
from openpyxl import load_workbook

from app.cli import main as hallq
from board.server import BoardServer
from board.testing import Browser
from board.users import Users
from hallq.config import load_config
from hallq.fakes import FakeLink
from hallq.store import EventStore

PASSWORD = "correct horse"


@pytest.fixture
def month_hall(tmp_path):
    path = write_test_hall(tmp_path, template=DATA / "month-hall.toml")
    store = EventStore(tmp_path / "hallq.db").open()
    for day, events in MONTH.items():
        store.append(events, day)
    store.close()
    return path


def csv_rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_month_report_from_the_cli(month_hall, tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert (
        hallq(
            [
                "report",
                "--config",
                str(month_hall),
                "--month",
                "2026-12",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = csv_rows(out.read_bytes())
    assert rows[0] == ["月报测试大厅 月报 Monthly report 2026-12"]
    hall = next(r for r in rows if r[:2] == ["全厅 Hall", "total"])
    assert hall[3:11] == ["6", "5", "10.4", "18.1", "35.0", "0.571", "1", "1"]
    assert hall[16:] == ["5", "0.6", "2"]
    gjj = next(r for r in rows if r[:2] == ["部门 Department", "gjj"])
    assert gjj[2] == "公积金中心" and gjj[6:9] == ["22.3", "35.0", "0.667"]
    follow = [r for r in rows if r[:1] in (["2026-12-01"], ["2026-12-15"]) and len(r) == 11]
    assert [(r[1], r[2], r[6], r[7], r[8]) for r in follow] == [
        ("B001", "1", "公积金中心", "待处理 open", "2026-12-08"),
        ("A001", "2", "公积金中心", "待处理 open", "2026-12-22"),
    ]
    xlsx = tmp_path / "q.xlsx"
    assert (
        hallq(
            [
                "report",
                "--config",
                str(month_hall),
                "--quarter",
                "2026-Q4",
                "--format",
                "xlsx",
                "--out",
                str(xlsx),
            ]
        )
        == 0
    )
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["汇总 Summary", "分日 Daily", "差评整改 Follow-ups"]
    assert wb["汇总 Summary"]["D3"].value == 7  # the quarter also holds 2026-11-30
    html = tmp_path / "y.html"
    assert hallq(["report", "--config", str(month_hall), "--year", "2026", "--out", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "年报 Annual report 2026" in page and page.count("data:image/png;base64,") == 3
    assert "分月 Monthly" in page


def test_a_bad_period_is_refused_clearly(month_hall, capsys):
    assert hallq(["report", "--config", str(month_hall), "--month", "2026-13"]) == 2
    assert "not a real month" in capsys.readouterr().err


def test_the_ratings_export_has_the_platform_fields(month_hall, tmp_path):
    out = tmp_path / "r.csv"
    assert (
        hallq(
            [
                "report",
                "--config",
                str(month_hall),
                "--day",
                "2026-12-15",
                "--ratings",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    head, *rows = csv_rows(out.read_bytes())
    assert head[:6] == ["评价编号", "评价时间", "评价渠道", "评价设备", "评价等级", "评价分值"]
    got = [dict(zip(head, r, strict=True)) for r in rows]
    assert [
        (g["取号号码"], g["评价等级"], g["工作人员"], g["部门"], g["差评整改状态"]) for g in got
    ] == [
        ("A001", "不满意", "li", "公积金中心", "待处理 open"),
        ("B001", "满意", "li", "公积金中心", ""),
    ]
    assert got[0]["评价时间"] == "2026-12-15 09:38:00" and got[0]["评价设备"] == "eval2"
    assert got[0]["评价编号"] == "monthhall-2026-12-15-A001" and got[0]["办件编号"] == ""


@pytest.fixture
def board(month_hall):
    cfg = load_config(month_hall)
    Users(cfg.resolve(cfg.device("board").users_file)).add("wang", PASSWORD)
    link = FakeLink(cfg.hall.id, "board")
    with BoardServer(cfg, link_factory=lambda _c, _d: link) as server:
        b = Browser(server.url)
        yield b


def test_followups_on_the_board_need_a_manager(board):
    assert board.request("/api/followups")[0] == 401
    assert board.request("/api/followups", {"key": "2026-12-01/B001", "action": "close"})[0] == 401
    assert board.request("/report?month=2026-12")[0] == 401


def test_a_manager_handles_and_closes_a_followup_and_the_report_says_so(board):
    assert board.login("wang", PASSWORD) == 200
    status, body = board.request("/api/followups")
    assert status == 200 and body["problem"] == ""
    keys = [i["key"] for i in body["items"]]
    assert keys == ["2026-12-15/A001", "2026-12-01/B001", "2026-11-30/A001"]  # newest first
    assert ["gjj", "公积金中心", "Housing Fund"] in body["departments"]

    def act(**fields):
        return board.request("/api/followups", fields, {"X-CSRF-Token": board.csrf})

    assert act(key="2026-12-01/B001", action="handle", note="已回访")[0] == 200
    status, body = board.request("/api/followups", {"key": "2026-12-01/B001", "action": "close"})
    assert status == 403  # no CSRF token
    status, body = act(key="2026-12-01/B001", action="close")
    assert status == 200 and body["item"]["status"] == "closed"
    assert [a["by"] for a in body["item"]["actions"]] == ["wang", "wang"]
    status, body = act(key="2026-12-01/B001", action="handle", note="x")
    assert (status, body["error"]) == (409, "closed")
    status, raw = board.request("/report?month=2026-12&format=csv")
    assert status == 200
    follow = {r[1]: r for r in csv_rows(raw) if len(r) == 11 and r[0].startswith("2026-12")}
    assert follow["B001"][7] == "已办结 closed" and follow["B001"][10] == "wang: 已回访"
    assert board.request("/report?month=12-2026")[0] == 400
    status, raw = board.request("/ratings?day=2026-12-01&format=xlsx")
    assert status == 200 and raw[:2] == b"PK"
