"""A case's (一件事) QR page on a phone, in Debian's headless Chromium: every step listed, done
with its window, the current one, the next ones; it fits the phone's width."""

import pytest
from halls import DATA, write_test_hall
from playwright.sync_api import expect
from test_board_ticket_page_ui import _fits, phone  # noqa: F401  (the phone fixture)

from board.server import BoardServer
from hallq.config import load_config

pytestmark = pytest.mark.ui


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


@pytest.fixture
def board(broker, mosquitto):
    with BoardServer(mosquitto.cfg) as server:
        yield server


def test_a_cases_page_follows_it_through_its_steps(phone, board, device, artifacts):  # noqa: F811
    out = artifacts("board")
    counters = {n: device(f"counter{n}")[1] for n in (1, 4)}
    _k, kiosk = device("kiosk1")
    for cc in counters.values():
        cc.send("open")
    ticket = kiosk.send("issue", matter="birth").ticket
    counters[4].send("call_next")
    counters[4].send("finish")  # step 1 done at 4号窗口: queued for step 2 by itself
    phone.goto(f"{board.url}/q/testhall/{ticket}")
    case = phone.locator("section.case")
    expect(case.locator("h2")).to_have_text("一件事：新生儿出生一件事（第2步/共4步）")
    expect(case.locator("li.done")).to_contain_text("已办结 · 4号窗口")
    expect(case.locator("li.now")).to_contain_text("社保参保登记")
    expect(case.locator("li.next")).to_have_count(2)
    _fits(phone)
    phone.screenshot(path=str(out / "ticket-case-zh.png"), full_page=True)
    counters[1].send("call_next")
    expect(phone.locator("#status")).to_have_attribute("data-state", "called", timeout=15_000)
    expect(phone.locator(".go strong")).to_have_text("1号窗口")
    phone.screenshot(path=str(out / "ticket-case-called-zh.png"), full_page=True)
