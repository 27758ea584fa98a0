"""帮办代办 in headless Chromium, against real Mosquitto and the service: a manager has the
agency desk take a case for a matter, sees it in the agency and cases panels, records a
door-step request (上门服务) whose place only managers see, and the citizen's QR page names the
desk carrying the case. Screenshots in artifacts/board/."""

import pytest
from halls import DATA, write_test_hall
from playwright.sync_api import expect
from test_board_joint_ui import board_server, browser  # noqa: F401  (fixtures)
from test_board_ticket_page_ui import PHONE, _fits
from test_board_ui import login, open_board

from hallq.config import load_config

pytestmark = pytest.mark.ui
PLACE = "幸福路18号3单元502"


@pytest.fixture
def hall_cfg(tmp_path):
    return load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))


def test_a_manager_has_a_case_carried_and_records_a_door_step_visit(
    browser,  # noqa: F811
    board_server,  # noqa: F811
    device,
    artifacts,
):
    out = artifacts("board")
    for n in (4, 9):
        device(f"counter{n}")[1].send("open", staff=f"S0{n}")
    page = open_board(browser, board_server.url)
    expect(page.locator("#agency-panel")).to_be_hidden()  # the public view: no agency panel
    login(page)
    panel = page.locator("#agency-panel")
    expect(panel).to_be_visible()
    page.select_option("#agency-matter", "birth")
    page.fill("#agency-agent", "帮办员王")
    page.click("#agency-form button[type=submit]")
    row = panel.locator("tr.carried")
    expect(row).to_have_count(1, timeout=15_000)
    expect(row).to_contain_text("帮办代办窗口 · 帮办员王")
    expect(row).to_contain_text("新生儿出生一件事")
    ticket = row.get_attribute("data-ticket")
    expect(page.locator(f"#cases tr[data-ticket='{ticket}'] .carried")).to_have_text(
        "帮办代办 · 帮办员王"
    )
    page.fill("#ds-what", "退休一件事")
    page.fill("#ds-place", PLACE)
    page.fill("#ds-wanted", "周三上午")
    page.click("#doorstep-form button[type=submit]")
    expect(panel.locator("tr.doorstep.open")).to_contain_text(PLACE)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(out / "board-agency.png"))
    page.locator("#cases-panel").screenshot(path=str(out / "board-cases-agency.png"))
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2).new_page()
    phone.goto(f"{board_server.url}/q/testhall/{ticket}")
    hint = phone.locator("section.case p.agency")
    expect(hint).to_have_text("由 帮办代办窗口 全程代办：您可以离开大厅，办理进度见本页。")
    assert "帮办员王" not in phone.content() and PLACE not in phone.content()
    _fits(phone)
    phone.screenshot(path=str(out / "ticket-case-agency-zh.png"), full_page=True)
    panel.locator("button[data-doorstep][data-status=done]").click()
    expect(panel.locator("tr.doorstep.done")).to_have_count(1)
    panel.locator(f"button[data-release='{ticket}']").click()
    expect(row).to_have_count(0, timeout=15_000)
    public = open_board(browser, board_server.url)
    assert PLACE not in public.content()
