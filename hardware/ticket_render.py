"""Render decoded ESC/POS to a PNG, roughly as the thermal printer would print it.

For eyeballing and for tests; the font is hallq.fonts' CJK font (WenQuanYi Micro Hei).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from hallq.fonts import find_cjk_font
from hardware.escpos_codec import FONT_A_DOTS, qr_image
from hardware.escpos_decode import Cut, Decoded, Feed, Item, QrCode, Raster, TextLine
from hardware.ticket import text_columns

BASE_DOTS = 24  # font A is 12x24 dots, a CJK character 24x24
LINE_SPACING = 6
MARGIN = 16


def render(decoded: Decoded, dots: int = 384) -> Image.Image:
    """Draw the decoded items top to bottom on white paper `dots` wide."""
    font = ImageFont.truetype(find_cjk_font(), BASE_DOTS)
    blocks = [_block(item, dots, font) for item in decoded.items]
    height = sum(b.height for b in blocks) + 2 * MARGIN
    paper = Image.new("L", (dots + 2 * MARGIN, height), 255)
    y = MARGIN
    for item, block in zip(decoded.items, blocks, strict=True):
        paper.paste(block, (MARGIN + _x(item, block.width, dots), y))
        y += block.height
    return paper


def render_png(decoded: Decoded, path: Path, dots: int = 384) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    render(decoded, dots).save(path)
    return path


def _x(item: Item, width: int, dots: int) -> int:
    align = getattr(item, "align", 0)
    return {0: 0, 1: (dots - width) // 2, 2: dots - width}.get(align, 0)


def _block(item: Item, dots: int, font: ImageFont.FreeTypeFont) -> Image.Image:
    if isinstance(item, TextLine):
        return _text(item, dots, font)
    if isinstance(item, QrCode):
        return qr_image(item.data, item.module).convert("L")
    if isinstance(item, Raster):
        return item.image.convert("L")
    if isinstance(item, Feed):
        return Image.new("L", (dots, item.lines * (BASE_DOTS + LINE_SPACING)), 255)
    return _cut_mark(item, dots)


def _text(line: TextLine, dots: int, font: ImageFont.FreeTypeFont) -> Image.Image:
    text = line.text or " "
    img = Image.new("L", (max(1, int(font.getlength(text))), BASE_DOTS + LINE_SPACING), 255)
    draw = ImageDraw.Draw(img)
    draw.text((0, 0), text, font=font, fill=0, stroke_width=1 if line.bold else 0, stroke_fill=0)
    # the printer's cells, not the font's advance: 12 dots a column (a CJK character takes two)
    cells = text_columns(text) * FONT_A_DOTS * line.width
    scaled = img.resize((cells, img.height * line.height), Image.Resampling.NEAREST)
    if scaled.width > dots:
        scaled = scaled.crop((0, 0, dots, scaled.height))
    return scaled


def _cut_mark(cut: Cut, dots: int) -> Image.Image:
    img = Image.new("L", (dots, 12), 255)
    draw = ImageDraw.Draw(img)
    for x in range(0, dots, 12):
        draw.line((x, 6, x + 6, 6), fill=0 if cut.partial else 80, width=2)
    return img
