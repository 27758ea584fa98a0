"""What the announcer will say, before any audio: spelling, templates, clip tokens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hardware.config import VoiceConfig
from hardware.fakes import FakeAnnouncer
from hardware.voice_text import (
    ZH_DIGITS,
    call_text,
    clip_tokens,
    spell_ticket_en,
    spell_ticket_zh,
)


def test_ticket_is_spelled_character_by_character() -> None:
    assert spell_ticket_zh("A001") == "A零零一"
    assert spell_ticket_zh("b120", one_as_yao=True) == "B幺二零"
    assert spell_ticket_en("A001") == "A, 0, 0, 1"


def test_templates() -> None:
    cfg = VoiceConfig()
    assert call_text(cfg, "A001", "5号窗口", "zh") == "请A零零一号到5号窗口办理"
    assert call_text(cfg, "A001", "window 5", "en") == "Number A, 0, 0, 1, please go to window 5"


@given(st.from_regex(r"[A-Z]{0,2}[0-9]{1,4}", fullmatch=True))
def test_spelled_ticket_has_one_symbol_per_character(ticket: str) -> None:
    spelled = spell_ticket_zh(ticket)
    assert len(spelled) == len(ticket)
    assert all(c in ZH_DIGITS or c.isupper() for c in spelled)


def test_clip_tokens_longest_match_and_digits() -> None:
    available = {"请", "A", "零", "一", "五", "号", "到", "窗口", "窗", "办理"}
    assert clip_tokens("请A零零一号到5号窗口办理", available) == [
        "请", "A", "零", "零", "一", "号", "到", "五", "号", "窗口", "办理",
    ]  # fmt: skip
    assert clip_tokens("请X号", available) == ["请", "X", "号"]  # X is reported missing later


def test_fake_announcer_records_in_order() -> None:
    fake = FakeAnnouncer()
    fake.announce("A001", "5号窗口")
    fake.announce("A001", "5号窗口", recall=True)
    assert fake.wait_idle(5)  # announce() only queues, like the real announcer
    assert [(c.ticket, c.recall) for c in fake.announced] == [("A001", False), ("A001", True)]


def test_a_case_call_says_the_service_it_comes_for() -> None:
    from hardware.voice_text import call_text

    cfg = VoiceConfig()
    assert call_text(cfg, "A012", "8号窗口", "zh", "户口登记") == "请A零一二号到8号窗口办理户口登记"
    assert call_text(cfg, "A012", "Window 8", "en", "Household") == (
        "Number A, 0, 1, 2, please go to Window 8 for Household"
    )
    clips = VoiceConfig(engine="clips")  # no recording of every service name: the plain call
    assert call_text(clips, "A012", "8号窗口", "zh", "户口登记") == "请A零一二号到8号窗口办理"


def test_a_room_call_has_no_service_to_do_there() -> None:
    from hardware.voice_text import call_text

    cfg = VoiceConfig()
    assert call_text(cfg, "A012", "第一联审室", "zh", room=True) == "请A零一二号到第一联审室"
    assert call_text(cfg, "A012", "Room 1", "en", room=True) == (
        "Number A, 0, 1, 2, please go to Room 1"
    )


def test_an_agent_is_called_by_name_except_with_recorded_clips() -> None:
    from hardware.voice_text import call_text

    cfg = VoiceConfig()
    said = call_text(cfg, "A012", "8号窗口", "zh", "户口登记", agent="帮办员王")
    assert said == "请帮办员王到8号窗口办理户口登记"
    clips = VoiceConfig(engine="clips")  # no clip of every agent's name: the number is said
    assert call_text(clips, "A012", "8号窗口", "zh", "户口登记", agent="帮办员王") == (
        "请A零一二号到8号窗口办理"
    )
