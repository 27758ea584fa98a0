"""Untrusted text in a log line stays on that line."""

from hallq.logs import printable


def test_control_characters_become_escapes():
    forged = "x\n2026-11-23 09:00:00 INFO board.app manager wang logged in"
    assert "\n" not in printable(forged) and printable(forged).startswith("x\\n2026")
    assert printable("a\x00b\rc\td\u2028e\x1b[31m") == "a\\x00b\\rc\\td\\u2028e\\x1b[31m"


def test_chinese_stays_readable_and_backslashes_are_not_ambiguous():
    assert printable("王 管理员") == "王 管理员"
    assert printable("a\\nb") == "a\\\\nb"  # a typed backslash-n is not a newline escape


def test_long_text_is_cut():
    assert printable("x" * 1000) == "x" * 200 + "…"
