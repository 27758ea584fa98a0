"""Report files from the recorded day (see test_board_stats.py for the day and its answers)."""

import csv
import io
import re
import zipfile

from openpyxl import load_workbook
from PIL import Image
from test_board_stats import recorded

from board import period
from board.report import Document, followup_table, hourly_rows, hourly_table, opening_span, table
from board.report_render import charts, to_csv, to_html, to_xlsx
from board.stats import day_report
from hallq.core.model import OpeningHours


def report():
    r = day_report(recorded(), "2026-11-23")
    r.services["SB"].name = "社保"
    r.span = (9, 11)
    return r


def doc(r=None, hall="测试大厅"):
    p = period.parse("day", "2026-11-23")
    return Document(hall, p, r or report(), followup_table([], {}, "2026-11-23"))


def test_table_rows_in_minutes_and_rates():
    rows = {(row[0], row[1]): row for row in table(report())}
    sb = rows[("事项 Service", "SB")]
    # tickets, served, service mean, wait mean, wait p90, over target (no targets), no-shows,
    # transfers
    assert sb[2:11] == ["社保", 4, 2, 10.5, 16.0, 24.0, 0.0, 0, 1]
    assert sb[11:] == [1, 0, 1, 0, 0, 2, 1.0, 0]  # scores 5..1, rated, satisfaction, 差评
    li = rows[("人员 Staff", "li")]
    assert li[3] == 4 and li[9] == 1 and li[18] == 1


def test_hourly_rows_cover_the_opening_span():
    rows = hourly_rows(report())
    assert [(h["hour"], h["arrivals"], h["calls"]) for h in rows] == [
        (9, 3, 3),
        (10, 3, 3),
        (11, 0, 0),
    ]
    assert rows[0]["wait_p50_min"] == 9.0 and rows[1]["wait_p90_min"] == 36.0
    assert hourly_table(report())[1] == ["09:00", 3, 1, 2]  # all, GJ, SB


def test_csv_has_a_bom_and_keeps_the_chinese():
    raw = to_csv(doc())
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["测试大厅 日报 Daily report 2026-11-23"]
    assert any(r[:3] == ["事项 Service", "SB", "社保"] for r in rows)


def test_xlsx_opens_with_its_three_sheets():
    wb = load_workbook(io.BytesIO(to_xlsx(doc())))
    assert wb.sheetnames == ["汇总 Summary", "分时 Hourly", "差评整改 Follow-ups"]
    assert wb["汇总 Summary"]["B2"].font.b
    assert [c.value for c in wb["汇总 Summary"][3]][:4] == ["全厅 Hall", "total", "total", 6]
    assert wb["分时 Hourly"]["A2"].value == "09:00"


def test_html_embeds_three_png_charts():
    page = to_html(doc()).decode()
    assert "<h1>测试大厅 日报 Daily report 2026-11-23</h1>" in page
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 3
    for _title, png in charts(doc()):
        img = Image.open(io.BytesIO(png))
        assert img.format == "PNG" and img.size == (900, 360)


def test_the_opening_span_is_the_first_and_last_hour_open():
    assert opening_span(OpeningHours(8 * 60 + 30, 17 * 60 + 30)) == (8, 17)
    assert opening_span(OpeningHours(9 * 60, 17 * 60)) == (9, 16)  # closed from 17:00 on


EVIL = '=HYPERLINK("http://x.cn","S07")'


def report_with_hostile_names():
    """Staff ids come from sign-in; a service name could come from a careless config."""
    r = report()
    li = r.staff.pop("li")
    li.key = li.name = EVIL
    r.staff[EVIL] = li
    r.services["SB"].name = "@SUM(A1)"
    r.services["GJ"].name = "-2+3"
    return r


def test_csv_neutralises_formula_like_text_but_keeps_numbers():
    raw = to_csv(doc(report_with_hostile_names(), "+大厅")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    staff = next(row for row in rows if row[0] == "人员 Staff")
    assert staff[1:3] == ["'" + EVIL, "'" + EVIL] and staff[3] == "4"
    assert rows[0][0] == "'+大厅 日报 Daily report 2026-11-23"
    cells = [c for row in rows for c in row]
    assert "'@SUM(A1)" in cells and "'-2+3 GJ" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_xlsx_stores_formula_like_text_as_text_never_a_formula():
    raw = to_xlsx(doc(report_with_hostile_names(), "+大厅"))
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    wb = load_workbook(io.BytesIO(raw))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    staff = next(c for c in cells if c.value == EVIL)
    assert staff.data_type == "s" and staff.quotePrefix
    assert any(c.value == "@SUM(A1)" and c.quotePrefix for c in cells)
    assert [c.value for c in wb["汇总 Summary"][3]][3] == 6  # numbers stay numbers
