"""Why a ticket was called, in plain words (the counter screen; the board may use it too).

The engine records the rule of every call (``reason_code``: :class:`CallRule`, and for a
front-priority ticket that went ahead ``priority_rule``: :class:`PriorityRule`) on the call's
reply and on ``event/called``; this turns them into what staff read: "优先: 老年人",
"次要事项超时".
"""

from __future__ import annotations

from hallq.core.model import CallRule, PriorityRule

RULE_WORDS: dict[CallRule, tuple[str, str]] = {
    CallRule.PRIMARY: ("本窗口主办事项，等候最久", "Own service, longest wait"),
    CallRule.SECONDARY_OVERDUE: ("次要事项超时", "Secondary service over its target wait"),
    CallRule.SECONDARY_IDLE: ("主办事项无人等候，协办", "No one waits for own services: helping"),
    CallRule.BY_NUMBER: ("特呼（按号码呼叫）", "Called by number"),
    CallRule.CMU: ("等得久、办得快的事项先叫", "Long wait and quick service go first"),
    CallRule.OVER_CAP: ("等候超过上限，最久优先", "Waited past its cap: longest first"),
}
PRIORITY_WORDS: dict[PriorityRule, tuple[str, str]] = {
    PriorityRule.SHARE: ("优先: {name}", "Priority: {name}"),
    PriorityRule.NORMAL_EMPTY: (
        "优先: {name}（无普通号等候）",
        "Priority: {name} (no one else waits)",
    ),
}


def call_reason(
    reason_code: CallRule | str | None,
    priority_rule: PriorityRule | str | None = None,
    priority_name: tuple[str, str] | None = None,
) -> tuple[str, str]:
    """(zh, en) for one call; ("", "") when the reason is unknown (a recall, an old reply).

    ``priority_name`` is the ticket's priority class as (name, name_en); a priority rule
    without it says "优先" alone."""
    if priority_rule in PriorityRule.__members__.values():
        zh, en = PRIORITY_WORDS[PriorityRule(priority_rule)]
        name_zh, name_en = priority_name or ("优先通道", "priority lane")
        return zh.format(name=name_zh), en.format(name=name_en)
    if reason_code in CallRule.__members__.values():
        return RULE_WORDS[CallRule(reason_code)]
    return "", ""
