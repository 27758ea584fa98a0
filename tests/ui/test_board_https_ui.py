"""The board over HTTPS in Chromium, with a certificate made by deploy/make-tls.sh: the
session cookie is Secure, the recent calls say why (managers only), the 差评 follow-up list
is handled and closed, and the month's report opens. Data: the hand-computed month
(tests/month_data.py) in a real store; MQTT is the fake link (the board's live part is
tested against real Mosquitto in test_board_ui.py)."""

import ssl
import subprocess
import urllib.request
from pathlib import Path

import pytest
from halls import DATA, write_test_hall
from month_data import MONTH
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright
from test_board_ui import ARGS, CHROMIUM

from board.server import BoardServer, BoardTlsError, tls_files
from board.users import Users
from hallq.config import load_config
from hallq.contract import CalledEvent
from hallq.fakes import FakeLink
from hallq.protocol import encode
from hallq.store import EventStore

pytestmark = pytest.mark.ui
PASSWORD = "manager-pass"
MAKE_TLS = Path(__file__).parents[2] / "deploy" / "make-tls.sh"


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def https_board(tmp_path):
    certs = tmp_path / "tls"
    subprocess.run([MAKE_TLS, certs, "board", "127.0.0.1", "localhost"], check=True)
    cfg = load_config(write_test_hall(tmp_path, template=DATA / "month-hall.toml"))
    store = EventStore(tmp_path / "hallq.db").open()
    for day, events in MONTH.items():
        store.append(events, day)
    store.close()
    Users(cfg.resolve("board-users.json")).add("wang", PASSWORD)
    link = FakeLink(cfg.hall.id, "board")
    tls = (certs / "board.crt", certs / "board.key")
    with BoardServer(cfg, link_factory=lambda _c, _d: link, tls=tls) as server:
        yield server, link, certs


def call(link, ticket, window, **why):
    payload = CalledEvent(
        ticket=ticket,
        window=window,
        window_name=f"{window[1]}号窗口",
        service="SB",
        service_name="社保",
        **why,
    )
    link.deliver(link.topics.event("called"), encode(payload))


def test_https_board_secure_cookie_reasons_and_followups(chromium, https_board, artifacts):
    server, link, certs = https_board
    out = artifacts("board")
    assert server.url.startswith("https://")
    # a client trusting the hall CA reaches it; plain HTTP on the same port does not
    ctx = ssl.create_default_context(cafile=str(certs / "ca.crt"))
    with urllib.request.urlopen(server.url + "/api/me", context=ctx, timeout=10) as resp:
        assert resp.status == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url.replace("https", "http") + "/api/me", timeout=5)
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": 1920, "height": 1080}
    )
    page = context.new_page()
    goto(page, server.url)
    public_calls_then_login(page, link)
    page.screenshot(path=str(out / "board-https-followups.png"), full_page=True)
    handle_and_close(page, out)
    page.select_option("#report-kind", "month")
    page.fill("#report-when", "2026-12")
    assert page.get_attribute("#report-link", "href") == "/report?month=2026-12&format=html"
    report = context.new_page()
    goto(report, server.url + "/report?month=2026-12")
    expect(report.locator("h1")).to_have_text("月报测试大厅 月报 Monthly report 2026-12")
    expect(report.locator("img")).to_have_count(3)
    expect(report.locator("body")).to_contain_text("已电话回访，补交材料后办结")
    report.screenshot(path=str(out / "report-month.png"), full_page=True)
    context.close()


def goto(page, url):
    """Chromium may abort a navigation with ERR_NETWORK_CHANGED when this shared machine's
    interfaces change under it (other tests); that is not the board: try once more."""
    try:
        page.goto(url)
    except PlaywrightError as exc:
        if "ERR_NETWORK_CHANGED" not in str(exc):
            raise
        page.goto(url)


def public_calls_then_login(page, link):
    """Calls without reasons for anyone; with reasons, Secure cookie and 差评 after login."""
    call(link, "A001", "w1", reason_code="secondary_overdue")
    call(link, "A002", "w2", reason_code="primary", priority_rule="share", priority="elderly")
    calls = page.locator("#calls tr.call")
    expect(calls).to_have_count(2)
    expect(calls.first).to_contain_text("A002")
    expect(page.locator("#calls")).not_to_contain_text("老年人")  # the public never sees why
    expect(page.locator("#followups-panel")).to_be_hidden()
    page.click("#login-button")
    page.fill("#login-name", "wang")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#user-name")).to_have_text("wang")
    cookie = next(c for c in page.context.cookies() if c["name"] == "hallq_board")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    expect(calls.first.locator(".why")).to_have_text("优先: 老年人", timeout=10000)
    expect(calls.nth(1).locator(".why")).to_have_text("次要事项超时")
    rows = page.locator("#followups tr.followup")
    expect(rows).to_have_count(3)  # the 差评 of 11-30, 12-01 and 12-15, newest first
    expect(rows.first).to_contain_text("A001")
    expect(rows.first).to_contain_text("公积金中心")


def handle_and_close(page, out):
    b001 = page.locator('#followups tr.followup[data-key="2026-12-01/B001"]')
    b001.locator("button").click()
    expect(page.locator("#followup-close")).to_be_disabled()  # handle with a note first
    page.select_option("#followup-dept", "rs")
    page.click("#followup-assign")
    expect(b001).to_contain_text("人社局")
    b001.locator("button").click()
    page.fill("#followup-note", "已电话回访，补交材料后办结")
    page.click("#followup-handle")
    expect(b001).to_have_attribute("data-status", "handled")
    b001.locator("button").click()
    expect(page.locator("#followup-history")).to_contain_text("已电话回访")
    page.screenshot(path=str(out / "followup-dialog.png"))
    page.click("#followup-close")
    expect(b001).to_have_attribute("data-status", "closed")
    expect(b001.locator("button")).to_have_count(0)
    page.click("#lang-button")
    expect(page.locator("#calls tr.call").first.locator(".why")).to_have_text("Priority: Elderly")
    expect(b001).to_contain_text("Closed")
    page.click("#lang-button")


def test_a_missing_or_unloadable_certificate_is_a_clear_error(tmp_path):
    cfg = load_config(write_test_hall(tmp_path, template=DATA / "month-hall.toml"))
    assert tls_files(cfg, "board") is None  # no certificate: plain HTTP
    with pytest.raises(BoardTlsError, match="both a certificate and its key"):
        tls_files(cfg, "board", cert=str(tmp_path / "x.crt"))
    (tmp_path / "x.crt").write_text("not a certificate")
    with pytest.raises(BoardTlsError, match="cannot use"):
        tls_files(cfg, "board", cert=str(tmp_path / "x.crt"), key=str(tmp_path / "x.key"))
