"""The one font finder (hallq/fonts.py) used by every screen and Pillow renderer."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallq import fonts


def test_configured_font_wins_and_a_missing_one_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, system = tmp_path / "mine.ttc", tmp_path / "system.ttc"
    mine.write_bytes(b"x")
    system.write_bytes(b"x")
    monkeypatch.setattr(fonts, "CANDIDATES", (str(tmp_path / "absent.ttc"), str(system)))
    assert fonts.find_cjk_font(str(mine)) == str(mine)
    assert fonts.find_cjk_font(str(tmp_path / "typo.ttc")) == str(system)
    assert fonts.find_cjk_font() == str(system)


def test_no_chinese_font_is_an_error_not_boxes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "CANDIDATES", (str(tmp_path / "absent.ttc"),))
    with pytest.raises(fonts.FontMissing, match="fonts-wqy-microhei"):
        fonts.find_cjk_font()
    assert fonts.cjk_font_or_none() is None
