"""The broker's staffing advice (retained ``state/advice``) for the board (pure, no I/O).

The advice arrives checked and whitelisted by its contract struct (``hallq.contract.Advice``,
through the state client); :func:`advice_view` turns its plain dict into what the page shows:
per department pool, names and whether it is short-staffed; per move, a plain sentence in
Chinese and English and the manager command that carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hallq.core.staffing import MAX_WINDOWS

MAX_MOVES = 12  # moves shown; a big hall's morning can advise dozens (the rest are counted)
MAX_NAMED = 3  # services named in a sentence; the rest are counted ("等 5 项")
Pair = tuple[str, str]  # (中文, English)


@dataclass(frozen=True)
class Names:
    """Display names from the hall config: id -> (中文, English)."""

    departments: dict[str, Pair] = field(default_factory=dict)
    services: dict[str, Pair] = field(default_factory=dict)
    windows: dict[str, Pair] = field(default_factory=dict)
    priority_classes: dict[str, Pair] = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg: Any) -> Names:
        def pairs(items: list[Any], key: str) -> dict[str, Pair]:
            return {getattr(i, key): (i.name, i.name_en or i.name) for i in items}

        return cls(
            pairs(cfg.departments, "id"),
            pairs(cfg.services, "code"),
            pairs(cfg.windows, "id"),
            pairs(cfg.priority_classes, "id"),
        )


def is_short(need: dict[str, Any]) -> bool:
    """Fewer windows serve the pool than it needs, or they cannot keep up at all."""
    needed = need["windows_needed"]
    return needed is None or need["predicted_wait_min"] is None or needed > need["windows_serving"]


def _listing(codes: list[str], names: Names) -> Pair:
    zh = [names.services.get(c, (c, c))[0] for c in codes]
    en = [names.services.get(c, (c, c))[1] for c in codes]
    more = len(codes) - MAX_NAMED
    if more <= 0:
        return "、".join(zh), ", ".join(en)
    return (
        "、".join(zh[:MAX_NAMED]) + f" 等 {len(codes)} 项",
        ", ".join(en[:MAX_NAMED]) + f" and {more} more",
    )


def _pool(need: dict[str, Any], names: Names) -> dict[str, Any]:
    dept = names.departments.get(need["department"], (need["department"],) * 2)
    listed = _listing(need["services"], names)
    return {
        **need,
        "name": dept[0],
        "name_en": dept[1],
        "services_zh": listed[0],
        "services_en": listed[1],
        "short": is_short(need),
    }


def _command(move: dict[str, Any], window: dict[str, Any] | None) -> dict[str, Any] | None:
    """The manager action that carries the move out; None when it is already done or the
    window's current state is unknown (a help move must keep the window's own services)."""
    w = move["window"]
    if window is None:
        return None
    if move["action"] == "open":
        return {"op": "open", "window": w} if window.get("status") == "closed" else None
    current = dict(window.get("services") or {})
    added = {c: "secondary" for c in move["services"] if c not in current}
    return {"op": "set_services", "window": w, "services": {**current, **added}} if added else None


def _sentence(move: dict[str, Any], names: Names) -> Pair:
    wname = names.windows.get(move["window"], (move["window_name"], move["window_name"]))
    zh, en = _listing(move["services"], names)
    if move["action"] == "open":
        return f"开放 {wname[0]} 办理 {zh}", f"Open {wname[1]} for {en}"
    return (
        f"让 {wname[0]} 协办 {zh}（设为次要业务）",
        f"Let {wname[1]} help with {en} (as secondary services)",
    )


def _why(need: dict[str, Any] | None) -> Pair:
    """The figures behind a move, from the pool it covers."""
    if need is None:
        return "", ""
    rate, mean, has = need["arrivals_per_h"], need["mean_service_min"], need["windows_serving"]
    needed = need["windows_needed"]
    wanted = f"{needed}" if needed is not None else f"> {MAX_WINDOWS}"
    return (
        f"每小时 {rate:g} 人 × 平均 {mean:g} 分钟，需 {wanted} 个窗口，现有 {has:g} 个",
        f"{rate:g}/h × {mean:g} min needs {wanted} windows, {has:g} serve it",
    )


def _move(
    move: dict[str, Any],
    windows: dict[str, dict[str, Any]],
    names: Names,
    need: dict[str, Any] | None = None,
) -> dict[str, Any]:
    zh, en = _sentence(move, names)
    why = _why(need)
    command = _command(move, windows.get(move["window"]))
    known = move["window"] in windows
    return {
        "action": move["action"],
        "window": move["window"],
        "zh": zh,
        "en": en,
        "why_zh": why[0] or move["reason"],
        "why_en": why[1] or move["reason"],
        "command": command,
        "done": known and command is None,
    }


def advice_view(
    advice: dict[str, Any] | None, windows: dict[str, dict[str, Any]], names: Names
) -> dict[str, Any] | None:
    """What the page's staffing panel shows (None before any advice came)."""
    if advice is None:
        return None
    pools = {tuple(n["services"]): n for n in advice["needs"]}
    moves = advice["moves"][:MAX_MOVES]
    return {
        "at": advice["at"],
        "more_moves": len(advice["moves"]) - len(moves),
        "pools": [_pool(n, names) for n in advice["needs"]],
        "moves": [_move(m, windows, names, pools.get(tuple(m["services"]))) for m in moves],
    }
