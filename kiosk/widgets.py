"""Widgets shared by the screens (their look is in widgets.kv)."""

from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from .state import TileView, minutes, tile_reason
from .texts import pick, tr

BLUE = (0.08, 0.40, 0.75, 1)
TEAL = (0.0, 0.50, 0.45, 1)  # a matter (一件事) tile
GREY = (0.78, 0.80, 0.82, 1)


class Tile(ButtonBehavior, BoxLayout):
    """A large tappable tile: a name, a live line (waiting / wait) and, when greyed, why."""

    key = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    reason = StringProperty("")
    is_enabled = BooleanProperty(True)
    color_bg = ListProperty(BLUE)

    def show(self, tile: TileView, lang: str, now: float, timezone: str) -> None:
        self.key = tile.key
        self.title = pick(tile.name, tile.name_en, lang)
        self.detail = tile_detail(tile, lang)
        if tile.steps:
            self.detail = tr("matter_steps", lang, n=tile.steps) + "  ·  " + self.detail
        self.reason = tile_reason(tile, lang, now, timezone)  # the banner explains global ones
        self.is_enabled = tile.enabled
        self.color_bg = (TEAL if tile.steps else BLUE) if tile.enabled else GREY


class BigButton(ButtonBehavior, BoxLayout):
    """A plain large button with a coloured background (used for keypads and choices)."""

    key = StringProperty("")
    text = StringProperty("")
    markup = BooleanProperty(False)
    text_scale = NumericProperty(1.0)  # header buttons keep their size in large-text mode
    color_bg = ListProperty(BLUE)


def tile_detail(tile: TileView, lang: str) -> str:
    if tile.waiting is None:
        return tr("waiting_unknown", lang)
    text = tr("waiting", lang, n=tile.waiting)
    m = minutes(tile.est_wait_s)
    if m and tile.enabled:
        text += "  ·  " + tr("est_wait", lang, m=m)
    return text


def qr_texture(data: str) -> Texture:
    """A QR code as a crisp black-on-white texture (one texel per module)."""
    import qrcode

    qr = qrcode.QRCode(border=2)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    rows = [bytes(0 if cell else 255 for cell in row) for row in reversed(matrix)]
    tex = Texture.create(size=(size, size), colorfmt="luminance")
    tex.blit_buffer(b"".join(rows), colorfmt="luminance", bufferfmt="ubyte")
    tex.mag_filter = tex.min_filter = "nearest"
    return tex
