"""PNG plot of waits through the day (Pillow only, light enough for a Pi)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from statistics import fmean
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from hallq.core.percentile import percentile
from hallq.fonts import cjk_font_or_none

from .day import DayResult

FONT = cjk_font_or_none()  # None: Pillow's default font (no Chinese)
W, H = 1200, 600
LEFT, RIGHT, TOP, BOTTOM = 80, 30, 100, 60
BIN_MIN = 15
ToPixel = Callable[[float, float], tuple[float, float]]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT is not None:
        return ImageFont.truetype(FONT, size)
    return ImageFont.load_default()


def _minute_of_day(at: float, tz: ZoneInfo) -> float:
    t = datetime.fromtimestamp(at, tz)
    return t.hour * 60 + t.minute + t.second / 60


def _points(days: Sequence[DayResult], tz: ZoneInfo) -> list[tuple[float, float]]:
    return [
        (_minute_of_day(r.issued_at, tz), r.wait_s / 60)
        for d in days
        for r in d.records
        if r.wait_s is not None
    ]


def plot_waits(days: Sequence[DayResult], timezone: str, path: Path, title: str) -> Path:
    """Every ticket's wait (dot, by time of issue) with the mean and p95 per 15 minutes."""
    tz = ZoneInfo(timezone)
    pts = _points(days, tz)
    x0 = _minute_of_day(days[0].open_at, tz)
    x1 = max([_minute_of_day(days[0].close_at, tz)] + [x for x, _ in pts])
    y1 = max([30.0] + [y for _, y in pts]) * 1.05
    img = Image.new("RGB", (W, H), "white")
    g = ImageDraw.Draw(img)

    def xy(x: float, y: float) -> tuple[float, float]:
        return (
            LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT),
            H - BOTTOM - y / y1 * (H - TOP - BOTTOM),
        )

    _axes(g, (x0, x1, y1), xy)
    _legend(g, title)
    for x, y in pts:
        px, py = xy(x, y)
        g.ellipse((px - 1.5, py - 1.5, px + 1.5, py + 1.5), fill=(170, 190, 215))
    _lines(g, pts, x0, xy)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def _axes(g: ImageDraw.ImageDraw, box: tuple[float, float, float], xy: ToPixel) -> None:
    x0, x1, y1 = box
    small = _font(16)
    g.line([xy(x0, 0), xy(x1, 0)], fill="black", width=2)
    g.line([xy(x0, 0), xy(x0, y1)], fill="black", width=2)
    for hour in range(int(x0 // 60) + 1, int(x1 // 60) + 1):
        px, py = xy(hour * 60, 0)
        g.line([(px, py), (px, py + 6)], fill="black")
        g.text((px - 18, py + 10), f"{hour:02d}:00", fill="black", font=small)
    step = 10 if y1 <= 120 else 30 if y1 <= 360 else 60
    for m in range(0, int(y1) + 1, step):
        px, py = xy(x0, m)
        g.line([(px - 6, py), (W - RIGHT, py)], fill=(225, 225, 225))
        g.text((px - 50, py - 9), f"{m}", fill="black", font=small)
    g.text((10, TOP - 28), "等候(分钟) wait (min)", fill="black", font=small)
    g.text((W // 2 - 60, H - 24), "取号时间 time of issue", fill="black", font=small)


def _legend(g: ImageDraw.ImageDraw, title: str) -> None:
    small = _font(16)
    g.text((LEFT, 12), title, fill="black", font=_font(22))
    x, y = LEFT, 50
    g.ellipse((x, y + 6, x + 6, y + 12), fill=(170, 190, 215))
    g.text((x + 14, y), "每张票 each ticket", fill="black", font=small)
    for dx, colour, label in ((180, (30, 90, 200), "平均 mean"), (480, (210, 60, 40), "P95")):
        g.line([(x + dx, y + 9), (x + dx + 30, y + 9)], fill=colour, width=3)
        g.text(
            (x + dx + 38, y),
            f"{label} (每{BIN_MIN}分钟 per {BIN_MIN} min)",
            fill="black",
            font=small,
        )


def _lines(g: ImageDraw.ImageDraw, pts: list[tuple[float, float]], x0: float, xy: ToPixel) -> None:
    bins: dict[int, list[float]] = {}
    for x, y in pts:
        bins.setdefault(int((x - x0) // BIN_MIN), []).append(y)
    keys = sorted(bins)
    centre = [x0 + (k + 0.5) * BIN_MIN for k in keys]
    means = [xy(c, fmean(bins[k])) for c, k in zip(centre, keys, strict=True)]
    # every bin holds at least one wait, so its percentile is never None
    p95 = [xy(c, percentile(bins[k], 95) or 0.0) for c, k in zip(centre, keys, strict=True)]
    if len(keys) > 1:
        g.line(means, fill=(30, 90, 200), width=3)
        g.line(p95, fill=(210, 60, 40), width=3)
