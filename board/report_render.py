"""Report files: CSV (UTF-8 with BOM), xlsx (openpyxl), HTML with PNG charts (Pillow)."""

from __future__ import annotations

import base64
import csv
import html
import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from hallq.fonts import cjk_font_or_none

from .report import HEADER, hourly_rows, hourly_table, table
from .stats import DayReport

FONT = cjk_font_or_none()  # None: Pillow's default font (no Chinese)
# A text cell starting with one of these is a formula (or becomes one) in Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """A string that a spreadsheet would run: staff ids and names come from outside."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A CSV cell: None as empty, formula-like text behind a ``'`` (numbers stay numbers)."""
    if value is None:
        return ""
    return "'" + value if is_formula_like(value) else value


def to_csv(r: DayReport, hall: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    rows = [[f"{hall} 日报 Daily report", r.day], HEADER, *table(r), [], *hourly_table(r)]
    w.writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(r: DayReport, hall: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总 Summary"
    append_rows(ws, [[f"{hall} 日报 Daily report", r.day], HEADER, *table(r)])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    append_rows(wb.create_sheet("分时 Hourly"), hourly_table(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def append_rows(ws: Any, rows: list[list[Any]]) -> None:
    """Rows into a sheet; formula-like text stays text: a string cell with Excel's quote
    prefix (shown without the ``'``, and still text if someone edits it), never a formula."""
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def _font(size: int) -> Any:
    if FONT is not None:
        return ImageFont.truetype(FONT, size)
    return ImageFont.load_default(size)


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float], str]]) -> bytes:
    """A grouped bar chart as PNG bytes. series: (legend, values, colour)."""
    width, height, left, bottom, top = 900, 360, 60, 40, 50
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    d.text((left, 12), title, fill="#222", font=_font(20))
    top_value = max([v for _n, vals, _c in series for v in vals] + [1])
    plot_h, plot_w = height - top - bottom, width - left - 20
    d.line([(left, top), (left, height - bottom), (width - 20, height - bottom)], fill="#888")
    d.text((8, top - 8), f"{top_value:g}", fill="#444", font=_font(14))
    slot = plot_w / max(len(labels), 1)
    bar_w = min(36, max(2, slot * 0.8 / max(len(series), 1)))
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (_name, vals, colour) in enumerate(series):
            h = plot_h * vals[i] / top_value
            x = x0 + j * bar_w
            d.rectangle([x, height - bottom - h, x + bar_w - 2, height - bottom], fill=colour)
        if len(labels) <= 12 or i % 2 == 0:
            d.text((x0, height - bottom + 6), label, fill="#444", font=_font(14))
    for j, (name, _vals, colour) in enumerate(series):
        x = width - 260 + j * 130
        d.rectangle([x, 18, x + 14, 32], fill=colour)
        d.text((x + 20, 14), name, fill="#222", font=_font(15))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def charts(r: DayReport) -> list[tuple[str, bytes]]:
    rows = hourly_rows(r)
    labels = [f"{h['hour']:02d}" for h in rows]
    arrivals = bar_chart(
        "每小时取号 Arrivals per hour",
        labels,
        [("取号 tickets", [h["arrivals"] for h in rows], "#2f6fb3")],
    )
    waits = bar_chart(
        "每小时等候（分钟）Waits per hour (min)",
        labels,
        [
            ("中位 p50", [h["wait_p50_min"] or 0 for h in rows], "#3c9a5f"),
            ("P90", [h["wait_p90_min"] or 0 for h in rows], "#d9822b"),
        ],
    )
    return [("每小时取号 Arrivals per hour", arrivals), ("每小时等候 Waits per hour", waits)]


def _html_table(rows: list[list[Any]]) -> str:
    def cell(v: Any, tag: str) -> str:
        return f"<{tag}>{'' if v is None else html.escape(str(v))}</{tag}>"

    head = "".join(cell(v, "th") for v in rows[0])
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:"WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#eef3f8} td:nth-child(-n+3){text-align:left} img{max-width:100%}
"""


def to_html(r: DayReport, hall: str) -> bytes:
    title = f"{html.escape(hall)} 日报 Daily report {r.day}"
    imgs = "".join(
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode()}"></figure>'
        for alt, png in charts(r)
    )
    doc = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
        f"<h2>汇总 Summary</h2>{_html_table([HEADER, *table(r)])}"
        f"<h2>分时 Hourly</h2>{imgs}{_html_table(hourly_table(r))}</body></html>"
    )
    return doc.encode("utf-8")
