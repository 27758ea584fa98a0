"""Report files: CSV (UTF-8 with BOM), xlsx (openpyxl), HTML with PNG charts (Pillow)."""

from __future__ import annotations

import base64
import csv
import html
import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from hallq.fonts import cjk_font_or_none

from .report import (
    HEADER,
    Document,
    bucket_table,
    hourly_rows,
    hourly_table,
    minutes,
    table,
)

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


def sections(doc: Document) -> list[tuple[str, list[list[Any]]]]:
    """The report's tables in order: (title, rows with the header first)."""
    r = doc.report
    by_time = hourly_table(r) if doc.period.kind == "day" else bucket_table(r, "日期 Day")
    matters = [("一件事 Matters", doc.matters)] if doc.matters else []
    return [
        ("汇总 Summary", [HEADER, *table(r)]),
        (doc.bucket_title, by_time),
        *matters,
        ("差评整改 Follow-ups", doc.followups),
    ]


def csv_rows(rows: list[list[Any]]) -> bytes:
    """CSV, UTF-8 with BOM (Excel shows the Chinese), formula-like text neutralised."""
    buf = io.StringIO()
    csv.writer(buf).writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_sheets(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, rows); each sheet's header (its first row of
    more than one cell) in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        append_rows(ws, rows)
        head = next((i for i, row in enumerate(rows) if len(row) > 1), None)
        for col in range(1, len(rows[head]) + 1) if head is not None else ():
            ws.cell(row=head + 1, column=col).font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(doc: Document) -> bytes:
    rows: list[list[Any]] = [[doc.title]]
    for _title, part in sections(doc):
        rows += [*part, []]
    return csv_rows(rows)


def to_xlsx(doc: Document) -> bytes:
    parts = sections(doc)
    sheets = [(t, [[doc.title], *rows] if i == 0 else rows) for i, (t, rows) in enumerate(parts)]
    return xlsx_sheets(sheets)


def append_rows(ws: Any, rows: list[list[Any]]) -> None:
    """Rows appended to a sheet; formula-like text stays text: a string cell with Excel's quote
    prefix (shown without the ``'``, and still text if someone edits it), never a formula."""
    for row in rows:
        ws.append(row)
        number = ws._current_row  # the row append wrote (ws.max_row would scan every cell)
        for col, value in enumerate(row, start=1):
            if is_formula_like(value):
                cell = ws.cell(row=number, column=col)
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


def charts(doc: Document) -> list[tuple[str, bytes]]:
    """Arrivals and waits per hour (a day) or per day / month (a period), and the ratings."""
    r = doc.report
    if doc.period.kind == "day":
        rows = hourly_rows(r)
        labels = [f"{h['hour']:02d}" for h in rows]
        volume = ("每小时取号 Arrivals per hour", [("取号 tickets", [h["arrivals"] for h in rows])])
        p50 = [h["wait_p50_min"] or 0 for h in rows]
        p90 = [h["wait_p90_min"] or 0 for h in rows]
        waits = ("每小时等候（分钟）Waits per hour (min)", [("中位 p50", p50), ("P90", p90)])
    else:
        keys = sorted(r.buckets)
        rows_b = [r.buckets[k] for k in keys]
        labels = [k[5:] for k in keys]  # 12-01, or the month 12
        volume = (
            f"{doc.bucket_title} 取号与办结 Tickets and served",
            [
                ("取号 tickets", [b.tickets for b in rows_b]),
                ("办结 served", [b.finished for b in rows_b]),
            ],
        )
        mean = [minutes(b.wait_mean) or 0 for b in rows_b]
        p90 = [minutes(b.wait_p90) or 0 for b in rows_b]
        waits = (
            f"{doc.bucket_title} 等候（分钟）Waits (min)",
            [("平均 mean", mean), ("P90", p90)],
        )
    out = [
        (title, bar_chart(title, labels, _coloured(series))) for title, series in (volume, waits)
    ]
    levels = ["5 非常满意", "4 满意", "3 基本满意", "2 不满意", "1 非常不满意"]
    title = "评价 Ratings"
    out.append(
        (
            title,
            bar_chart(
                title, levels, [("评价 ratings", list(reversed(r.total.ratings)), "#7a5cb3")]
            ),
        )
    )
    return out


COLOURS = ("#2f6fb3", "#d9822b", "#3c9a5f")


def _coloured(series: list[tuple[str, list[Any]]]) -> list[tuple[str, list[float], str]]:
    return [(name, vals, COLOURS[i % 3]) for i, (name, vals) in enumerate(series)]


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


def html_page(title: str, parts: list[tuple[str, list[list[Any]]]], top: str = "") -> bytes:
    """A standalone page: the title, ``top`` (trusted HTML: the charts), then the tables."""
    tables = "".join(
        (f"<h2>{html.escape(name)}</h2>" if name else "") + _html_table(rows)
        for name, rows in parts
    )
    t = html.escape(title)
    page = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{t}</title>'
        f"<style>{STYLE}</style></head><body><h1>{t}</h1>{top}{tables}</body></html>"
    )
    return page.encode("utf-8")


def to_html(doc: Document) -> bytes:
    imgs = "".join(
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode()}"></figure>'
        for alt, png in charts(doc)
    )
    return html_page(doc.title, sections(doc), imgs)
