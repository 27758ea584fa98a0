"""The region board's reports in Chromium: a county login sees both halls side by side with
their bars, and the month view; the CSV link points at the same period."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from region_fabric import Fabric, wait_for

from board.users import Users
from region.server import RegionServer
from region.service import RegionService

pytestmark = pytest.mark.ui
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture
def region(tmp_path):
    fabric = Fabric(tmp_path, townships=1)
    server = None
    try:
        fabric.start()
        Users(fabric.region.resolve(fabric.region.board.users_file)).add("county", PASSWORD)
        server = RegionServer(RegionService(fabric.region)).start()
        yield fabric, server
    finally:
        if server is not None:
            server.stop()
        fabric.stop()


def test_region_reports_table_and_charts_in_chromium(region):
    fabric, server = region
    for hall, n in (("county", 1), ("t01", 3)):
        fabric.device(hall, "counter1").send("open", staff="s1")
        kiosk = fabric.device(hall, "kiosk1")
        for _ in range(n):
            kiosk.send("issue", service="rs01")
    svc = server.service
    wait_for(lambda: all(r.issued for r in svc.rows()), what="tickets at the region")
    day = svc.rows()[0].day
    wait_for(lambda: svc.record.count("t01", "issued", day) == 3, what="t01 in the record")
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url)
            page.fill("#user_input", "county")
            page.fill("#password_input", PASSWORD)
            page.click("#login_button")
            page.fill("#report_day_input", day)
            page.click("#report_button")
            t01 = page.locator('tr.report-row[data-hall="t01"]')
            expect(t01.locator("td").nth(1)).to_have_text("3")
            expect(page.locator('tr.report-row[data-hall="county"] td').nth(1)).to_have_text("1")
            expect(page.locator('.chart[data-key="tickets"] rect')).to_have_count(2)
            assert (
                page.get_attribute("#csv_link", "href") == f"/api/reports?period={day}&format=csv"
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.locator("#reports_section").screenshot(path=ARTIFACTS / "region-reports.png")
            page.select_option("#period_select", "month")
            expect(page.locator("#report_month_label")).to_be_visible()
            expect(t01.locator("td").nth(1)).to_have_text("3")
            assert page.get_attribute("#xlsx_link", "href").startswith(
                f"/api/reports?period={day[:7]}"
            )
        finally:
            browser.close()
