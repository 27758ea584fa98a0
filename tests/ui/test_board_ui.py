"""The board in Debian's headless Chromium against real Mosquitto and the broker service."""

import re
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

from board.server import BoardServer
from board.testing import Browser, wait_until
from board.users import Users
from broker import service as broker_service
from hardware.fakes import FakePrinter
from hardware.printer import PrinterStatus
from kiosk.controller import KioskController

pytestmark = pytest.mark.ui
PASSWORD = "manager-pass"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def board(broker, mosquitto):
    Users(mosquitto.cfg.resolve("board-users.json")).add("wang", PASSWORD)
    with BoardServer(mosquitto.cfg) as server:
        yield server


def open_board(chromium, url, width=1920, height=1080):
    page = chromium.new_context(viewport={"width": width, "height": height}).new_page()
    page.csp_errors = []  # the Content-Security-Policy must never block the page's own code
    page.on(
        "console",
        lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(url)
    expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
    return page


def login(page):
    page.click("#login-button")
    page.fill("#login-name", "wang")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#user-name")).to_have_text("wang")


def test_live_updates_alerts_and_a_manager_action(chromium, board, broker, device, artifacts):
    out = artifacts("board")
    _c1, counter1 = device("counter1")
    _c2, counter2 = device("counter2")
    _k1, kiosk = device("kiosk1")
    counter1.send("open", staff="zhang")
    counter2.send("open", staff="li")
    page = open_board(chromium, board.url)
    w1 = page.locator('.window[data-window="w1"]')
    expect(w1).to_have_attribute("data-status", "open")
    tickets = [kiosk.send("issue", service="rs02").ticket for _ in range(4)]
    expect(page.locator('tr.service[data-service="rs02"] td').nth(1)).to_have_text("4")
    counter1.send("call_next")
    expect(w1.locator(".ticket")).to_contain_text(tickets[0])
    # the public view: queues and calls, no staff ids, devices, alerts or advice
    for panel in ("#alerts", "#devices-panel", "#advice-panel"):
        expect(page.locator(panel)).to_be_hidden()
    expect(w1).not_to_contain_text("zhang")
    expect(page.locator("#devices tr")).to_have_count(0)  # not even sent to the page
    expect(page.locator("#charts-note")).to_have_text("", timeout=15000)  # arrivals charted
    page.screenshot(path=str(out / "board-desktop.png"), full_page=True)
    login(page)
    expect(w1).to_contain_text("zhang")
    expect(page.locator('tr.device[data-device="kiosk1"]')).to_be_visible()
    idle = page.locator('.alert[data-kind="idle_window"][data-key="w2"]')
    expect(idle).to_contain_text("2号窗口 空闲：可将 养老保险待遇 设为次要业务")
    page.screenshot(path=str(out / "board-desktop-login.png"))
    idle.locator("button.apply").click()
    expect(page.locator('.window[data-window="w2"] .tier.secondary')).to_contain_text(
        ["养老保险待遇"]
    )
    expect(idle).to_have_count(0)
    assert broker.service.engine.windows["w2"].services["rs02"] == "secondary"
    w1.locator('button[data-op="pause"]').click()
    expect(w1).to_have_attribute("data-status", "paused")
    page.screenshot(path=str(out / "board-desktop-manager.png"), full_page=True)
    report = page.context.new_page()
    report.csp_errors = []
    report.on(
        "console",
        lambda m: report.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    report.goto(board.url + "/report")
    expect(report.locator("h1")).to_contain_text("日报")
    expect(report.locator("img")).to_have_count(3)  # hourly arrivals, waits, ratings
    report.screenshot(path=str(out / "report.png"), full_page=True)
    page.click("#lang-button")
    expect(page.locator('.alert[data-kind="forecast"]')).to_contain_text("Pensions")
    page.screenshot(path=str(out / "board-desktop-en.png"), full_page=True)
    phone = open_board(chromium, board.url, 390, 844)
    phone.screenshot(path=str(out / "board-phone.png"), full_page=True)
    phone.screenshot(path=str(out / "board-phone-top.png"))
    page.click("#logout-button")
    expect(page.locator("#alerts")).to_be_hidden()
    expect(w1).not_to_contain_text("zhang")  # the stream is the public one again
    assert page.csp_errors == [] and phone.csp_errors == [] and report.csp_errors == []


def test_the_page_survives_a_board_restart_and_a_mosquitto_restart(
    chromium, board, mosquitto, device
):
    _c1, counter1 = device("counter1")
    page = open_board(chromium, board.url)
    port = board.port
    board.stop()
    expect(page.locator("#link-status")).to_have_attribute("data-state", "lost")
    with BoardServer(mosquitto.cfg, port=port):
        expect(page.locator("#link-status")).to_have_attribute("data-state", "live")
        mosquitto.kill()
        expect(page.locator("#link-status")).to_have_attribute("data-state", "mqtt_down")
        mosquitto.start()
        expect(page.locator("#link-status")).to_have_attribute("data-state", "live", timeout=20000)
        assert counter1.link.wait_for_connection(15)  # the counter's own link is back too
        counter1.send("open", staff="zhao", timeout=5, retries=3)
        expect(page.locator('.window[data-window="w1"]')).to_have_attribute("data-status", "open")


def test_staffing_advice_panel_with_one_click_moves(chromium, board, broker, device, artifacts):
    """The real broker publishes state/advice (its refresh made quick for the test); the panel
    shows the short-staffed pool and both kinds of move, buttons only for a manager."""
    out = artifacts("board")
    b = Browser(board.url)
    assert b.login("wang", PASSWORD) == 200
    # the advice the broker publishes within a tick of connecting (an empty hall): after it,
    # nothing new comes until the refresh this test shortens below
    wait_until(lambda: b.request("/api/state")[1]["advice"], what="the broker's first advice")
    _c1, counter1 = device("counter1")
    _c3, counter3 = device("counter3")
    _k1, kiosk = device("kiosk1")
    counter1.send("open", staff="zhang")
    counter3.send("open", staff="zhao")
    assert b.act(op="set_services", window="w3", services={"bdc02": "primary"})[0] == 200
    for _ in range(12):  # 72/h x 6 min on one window: rs needs many more
        kiosk.send("issue", service="rs01")
    page = open_board(chromium, board.url)
    expect(page.locator("#advice-panel")).to_be_hidden()  # managers only
    login(page)
    # still the advice published when the broker connected (nobody yet), until its refresh
    expect(page.locator("#advice-note")).to_have_text("暂无调配建议：各部门人手充足")
    broker_service.REFRESH_S, before = 0.5, broker_service.REFRESH_S
    try:
        rs = page.locator('#advice-pools tr.pool.short[data-department="rs"]')
        expect(rs).to_contain_text("人社局")
        expect(rs).to_contain_text("社保参保登记、养老保险待遇")
        opening = page.locator('li.move[data-action="open"][data-window="w2"]')
        helping = page.locator('li.move[data-action="help"][data-window="w3"]')
        expect(opening).to_contain_text("开放 2号窗口 办理 社保参保登记、养老保险待遇")
        expect(helping).to_contain_text(
            "让 3号综合窗口 协办 社保参保登记、养老保险待遇（设为次要业务）"
        )
        page.screenshot(path=str(out / "advice-desktop.png"), full_page=True)
        phone = open_board(chromium, board.url, 390, 844)
        login(phone)
        expect(phone.locator("li.move")).to_have_count(2)
        phone.locator("#advice-panel").screenshot(path=str(out / "advice-phone-panel.png"))
        phone.screenshot(path=str(out / "advice-phone.png"), full_page=True)
        helping.locator("button.apply").click()
        expect(helping.locator(".badge")).to_have_text("已执行")
        w3 = broker.service.engine.windows["w3"].services
        assert (w3["bdc02"], w3["rs01"], w3["rs02"]) == ("primary", "secondary", "secondary")
        page.screenshot(path=str(out / "advice-desktop-manager.png"), full_page=True)
        opening.locator("button.apply").click()
        expect(page.locator('.window[data-window="w2"]')).to_have_attribute("data-status", "open")
        page.click("#lang-button")
        expect(rs).to_contain_text("Human Resources")
        page.locator("#advice-panel").screenshot(path=str(out / "advice-panel-en.png"))
    finally:
        broker_service.REFRESH_S = before


def test_a_kiosks_healthy_printer_shows_healthy_on_the_board(
    chromium, board, mosquitto, device, artifacts
):
    """The real kiosk controller reports its printer on its real MqttLink presence, through
    Mosquitto to the board and the page. A healthy printer ("ok" in the contract's
    PrinterPresence) showed red as faulty when board.js expected "online_ok"."""
    cfg = mosquitto.cfg
    link, commands = device("kiosk1")
    printer = FakePrinter()
    printer.open()  # PrinterStatus.ONLINE_OK
    kiosk = KioskController(cfg, cfg.device("kiosk1"), commands, printer, link, spawn=_at_once)
    kiosk.maintain()  # checks the printer and publishes it on the kiosk's presence
    page = open_board(chromium, board.url)
    login(page)
    cell = page.locator('tr.device[data-device="kiosk1"] td').nth(3)  # the printer column
    expect(cell).to_have_text("打印机: 正常")
    expect(cell).not_to_have_class(re.compile(r"\bbad\b"))
    expect(cell).to_have_attribute("data-health", "ok")
    page.locator("#devices-panel").screenshot(path=str(artifacts("board") / "printer-ok.png"))
    printer.status_value = PrinterStatus.PAPER_OUT
    kiosk.maintain()
    expect(cell).to_have_text("打印机: 缺纸")
    expect(cell).to_have_class(re.compile(r"\bbad\b"))
    expect(page.locator('.alert[data-kind="printer"][data-key="kiosk1"]')).to_contain_text(
        "kiosk1 打印机缺纸"
    )
    page.locator("#devices-panel").screenshot(path=str(artifacts("board") / "printer-out.png"))


def _at_once(fn):
    fn()
