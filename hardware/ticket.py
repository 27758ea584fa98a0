"""What goes on a ticket, and how it is laid out as text lines (no I/O, no ESC/POS)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Lang = Literal["zh", "en"]

_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "ahead": "前面还有 {n} 人等候",
        "wait": "预计等待约 {m} 分钟",
        "issued": "取号时间：{t}",
        "stages": "一件事共{n}步：{steps}",
        "stages_short": "一件事共{n}步：{first}→…→{last}，扫码看全部",
        "stages_count": "一件事共{n}步，扫码查看每一步",
        "offline": "离线取号 issued offline",
        "wait_offline": "离线前预计等待约 {m} 分钟",
    },
    "zh-Hant": {  # for Big5 printers (Hong Kong, Macao, Taiwan)
        "ahead": "前面還有 {n} 人等候",
        "wait": "預計等待約 {m} 分鐘",
        "issued": "取號時間：{t}",
        "stages": "一件事共{n}步：{steps}",
        "stages_short": "一件事共{n}步：{first}→…→{last}，掃碼看全部",
        "stages_count": "一件事共{n}步，掃碼查看每一步",
        "offline": "離線取號 issued offline",
        "wait_offline": "離線前預計等待約 {m} 分鐘",
    },
    "en": {
        "ahead": "People ahead: {n}",
        "wait": "Estimated wait: about {m} min",
        "issued": "Issued: {t}",
        "stages": "{n} steps: {steps}",
        "stages_short": "{n} steps: {first} > ... > {last}; scan for all",
        "stages_count": "{n} steps (see QR)",
        "offline": "Issued offline 离线取号",
        "wait_offline": "Last known wait: about {m} min",
    },
}


@dataclass(frozen=True)
class TicketPrint:
    """Everything printed on one queue ticket (no personal data of the citizen)."""

    hall_name: str
    service_name: str
    ticket: str
    ahead: int
    est_wait_min: int | None
    issued_at: datetime
    qr_data: str | None = None
    footer: str | None = None
    window_hint: str | None = None
    lang: Lang = "zh"
    stages: tuple[str, ...] = ()  # a matter (一件事): its visits' names, in order
    offline: bool = False  # printed while the service was unreachable (a leased number)
    lines: tuple[str, ...] | None = None  # not a queue ticket (a booking slip): these lines


# The stage line of a matter gets at most this many printer columns (= bytes in GBK; two
# lines of 58 mm paper), so a matter's ticket with the native QR stays within 400 bytes
# (tests/unit/hardware/test_hw_matter_ticket.py, every example matter on 58 and 80 mm, both
# languages; a matter's ticket has no footer: "过号请重新取号" is not true of a case). A
# longer matter prints its first and last step, or only the number of steps, and points to
# the QR page, which shows every step.
STAGES_MAX_COLUMNS = 64
STAGES_MAX_COLUMNS_EN = 32  # English names are longer and its other lines are too


def info_lines(t: TicketPrint, traditional: bool = False) -> list[str]:
    """The small-print lines under the big number, in the ticket's language."""
    if t.lines is not None:
        return list(t.lines)
    labels = _LABELS["zh-Hant" if traditional and t.lang == "zh" else t.lang]
    lines = [labels["ahead"].format(n=t.ahead)]
    if t.est_wait_min is not None:
        wait = labels["wait_offline" if t.offline else "wait"]  # what it knew before the outage
        lines.append(wait.format(m=t.est_wait_min))
    if t.window_hint:
        lines.append(t.window_hint)
    if t.stages:
        lines.append(stages_line(t.stages, labels))
    lines.append(labels["issued"].format(t=t.issued_at.strftime("%Y-%m-%d %H:%M:%S")))
    if t.offline:
        lines.append(labels["offline"])
    return lines


def stages_line(stages: tuple[str, ...], labels: dict[str, str]) -> str:
    """Every step if it fits in the language's budget, else the first and last, else the
    number of steps."""
    english = labels is _LABELS["en"]
    arrow, budget = (" > ", STAGES_MAX_COLUMNS_EN) if english else ("→", STAGES_MAX_COLUMNS)
    n, first, last = len(stages), stages[0], stages[-1]
    for line in (
        labels["stages"].format(n=n, steps=arrow.join(stages)),
        labels["stages_short"].format(n=n, first=first, last=last),
    ):
        if text_columns(line) <= budget:
            return line
    return labels["stages_count"].format(n=n)


def text_columns(text: str) -> int:
    """Printer columns a string takes: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_columns(text: str, columns: int) -> list[str]:
    """Split text into pieces that each fit in `columns` printer columns.

    Chinese breaks between any two characters; a Latin word is moved whole to the next line
    (the space stays at the end of the line before), unless it alone is wider than a line.
    """
    pieces: list[str] = []
    current, used = "", 0
    for char in text:
        width = text_columns(char)
        if used + width > columns and current:
            head, current = _split_before_word(current) if char != " " else (current, "")
            pieces.append(head)
            used = text_columns(current)
        current += char
        used += width
    pieces.append(current)
    return pieces


def _split_before_word(piece: str) -> tuple[str, str]:
    """(line, carried-over word): break after the last space if what follows is one Latin word."""
    cut = piece.rfind(" ") + 1
    word = piece[cut:]
    if cut <= 1 or text_columns(word) != len(word):
        return piece, ""
    return piece[:cut], word
