"""The citizens' ticket page in Debian's headless Chromium on a phone viewport (390x844)."""

import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

from board.server import BoardServer

pytestmark = pytest.mark.ui
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_context(viewport=PHONE, device_scale_factor=2).new_page()
        finally:
            browser.close()


@pytest.fixture
def board(broker, mosquitto):
    with BoardServer(mosquitto.cfg) as server:
        yield server


def test_waiting_then_called_on_a_phone(phone, board, device, artifacts):
    out = artifacts("board")
    _c1, counter = device("counter1")
    _k1, kiosk = device("kiosk1")
    counter.send("open", staff="zhang")
    tickets = [kiosk.send("issue", service="rs01").ticket for _ in range(4)]
    kiosk.send("issue", service="rs01", priority="elderly")
    phone.goto(f"{board.url}/q/testhall/{tickets[2]}")
    main = phone.locator("#status")
    expect(main).to_have_attribute("data-state", "waiting")
    expect(main.locator(".state")).to_have_text("等候中")
    expect(main).to_contain_text("前面还有约 2 人")
    expect(main).to_contain_text("预计等候约")
    _fits(phone)
    phone.screenshot(path=str(out / "ticket-waiting-zh.png"), full_page=True)

    phone.goto(f"{board.url}/q/testhall/{tickets[0]}")
    counter.send("call_next")  # the senior's ticket goes first (priority ratio 2)
    expect(main).to_contain_text("马上就到您了")
    counter.send("call_next")
    # the page refreshes itself (every 10 s) and must show the call without a reload
    expect(main).to_have_attribute("data-state", "called", timeout=15_000)
    expect(main.locator(".go strong")).to_have_text("1号窗口")
    _fits(phone)
    phone.screenshot(path=str(out / "ticket-called-zh.png"), full_page=True)
    phone.click("#lang")
    expect(phone.locator(".go")).to_contain_text("Please go to")
    expect(phone.locator(".go strong")).to_have_text("Window 1")
    phone.screenshot(path=str(out / "ticket-called-en.png"), full_page=True)


def _fits(page):
    """Nothing wider than the phone: no sideways scrolling, no text cut off."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
