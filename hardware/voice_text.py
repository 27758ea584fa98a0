"""What the announcer says: templates filled in, ticket numbers spelled out (pure, no I/O)."""

from __future__ import annotations

from hardware.config import VoiceConfig

ZH_DIGITS = "零一二三四五六七八九"


def spell_ticket_zh(ticket: str, one_as_yao: bool = False) -> str:
    """ "A001" -> "A零零一" (or "A零零幺"): each character on its own, never "one hundred"."""
    digits = ZH_DIGITS.replace("一", "幺") if one_as_yao else ZH_DIGITS
    return "".join(digits[int(c)] if c.isdigit() else c.upper() for c in ticket if c.isalnum())


def spell_ticket_en(ticket: str) -> str:
    """ "A001" -> "A, 0, 0, 1": commas stop espeak-ng reading "A" as the article."""
    return ", ".join(c.upper() for c in ticket if c.isalnum())


def call_text(
    cfg: VoiceConfig,
    ticket: str,
    window_name: str,
    lang: str,
    service: str = "",
    *,
    agent: str = "",
    room: bool = False,
) -> str:
    """The sentence for one call, e.g. "请A零零一号到5号窗口办理"; with ``service`` (a case
    moving on) "请A零一二号到8号窗口办理户口登记"; with ``agent`` (帮办代办) the agent is
    called, "请帮办员王到8号窗口办理户口登记"; ``room``: a joint review's room, "请A零一二号到
    第一联审室" (nothing to 办理 in a room)."""
    if agent and cfg.engine != "clips":  # no recording of every agent's name: say the number
        template = cfg.template_agent_en if lang == "en" else cfg.template_agent_zh
        return template.format(agent=agent, window=window_name, service=service or "")
    if room:
        template = cfg.template_room_en if lang == "en" else cfg.template_room_zh
        zh = spell_ticket_zh(ticket, cfg.one_as_yao)
        spelled = spell_ticket_en(ticket) if lang == "en" else zh
        return template.format(ticket=spelled, window=window_name)
    if service and cfg.engine != "clips":
        if lang == "en":
            return cfg.template_case_en.format(
                ticket=spell_ticket_en(ticket), window=window_name, service=service
            )
        return cfg.template_case_zh.format(
            ticket=spell_ticket_zh(ticket, cfg.one_as_yao), window=window_name, service=service
        )
    if lang == "en":
        return cfg.template_en.format(ticket=spell_ticket_en(ticket), window=window_name)
    return cfg.template_zh.format(
        ticket=spell_ticket_zh(ticket, cfg.one_as_yao), window=window_name
    )


def clip_tokens(text: str, available: set[str]) -> list[str]:
    """Split text into clip names, longest match first; ASCII digits use the 零..九 clips."""
    names = sorted(available, key=len, reverse=True)
    tokens: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace() or char in ",，":
            i += 1
            continue
        match = next((n for n in names if text.startswith(n, i)), None)
        if match is None and char.isascii() and char.isdigit():
            match = ZH_DIGITS[int(char)]
        tokens.append(match if match is not None else char)
        i += len(match) if match is not None and match in available else 1
    return tokens
