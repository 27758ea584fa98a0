"""The board's joint reviews (联审联批) panel in headless Chromium, against real Mosquitto and
the service: a manager opens a review from the form, watches the departments confirm, and
closes it; the public view never shows it. Screenshots in artifacts/board/."""

import shutil

import pytest
from halls import DATA, write_test_hall
from playwright.sync_api import expect, sync_playwright
from test_board_ui import ARGS, CHROMIUM, PASSWORD, login, open_board

from board.server import BoardServer
from board.users import Users
from hallq.config import load_config

pytestmark = pytest.mark.ui


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def board_server(broker, mosquitto):
    Users(mosquitto.cfg.resolve("board-users.json")).add("wang", PASSWORD)
    with BoardServer(mosquitto.cfg) as server:
        yield server


def test_a_manager_opens_a_joint_review_and_follows_it(
    browser, board_server, broker, device, artifacts
):
    out = artifacts("board")
    counters = {n: device(f"counter{n}")[1] for n in (1, 2, 4)}
    for n, cc in counters.items():
        cc.send("open", staff=f"S0{n}")
    _k, kiosk = device("kiosk1")
    ticket = kiosk.send("issue", matter="birth").ticket
    counters[4].send("call_next")
    page = open_board(browser, board_server.url)
    expect(page.locator("#joint-panel")).to_be_hidden()  # the public view: no reviews
    login(page)
    panel = page.locator("#joint-panel")
    expect(panel).to_be_visible()
    page.fill("#joint-ticket", ticket)
    page.select_option("#joint-room", "r1")
    for dep in ("hz", "rs", "bdc"):
        page.check(f'#joint-departments input[value="{dep}"]')
    page.click('#joint-form button[type="submit"]')
    row = page.locator('tr.review[data-review="J001"]')
    expect(row).to_contain_text("召集中")
    expect(row.locator("li.part")).to_have_count(3)
    counters[1].send("joint_confirm", review="J001")
    expect(row.locator("li.part.ok")).to_have_count(1)
    case = page.locator(f'tr.case[data-ticket="{ticket}"]')
    expect(case).to_contain_text("联审 · 第一联审室")  # where the case is: at the review
    page.screenshot(path=str(out / "board-joint-summoning.png"), full_page=True)
    counters[2].send("joint_confirm", review="J001")
    counters[4].send("joint_confirm", review="J001")
    expect(row).to_contain_text("已呼叫群众")
    expect(row.locator("li.part.ok")).to_have_count(3)
    page.screenshot(path=str(out / "board-joint-called.png"), full_page=True)
    row.locator('button[data-outcome="done"]').click()
    expect(row).to_contain_text("已结束")
    assert broker.service.engine.tickets[ticket].service == "rs01"  # the case moved on
    assert page.csp_errors == []
