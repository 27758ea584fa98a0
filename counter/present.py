"""Texts of the counter screen, computed from a CounterView (pure: testable without Kivy)."""

from __future__ import annotations

from typing import NamedTuple

from .controller import CounterView
from .messages import STATUS_TEXT

TICKET_STATE = {"called": ("叫号中", "calling"), "serving": ("办理中", "serving")}
STATUS_COLOR = {
    "open": (0.5, 0.95, 0.55, 1),
    "paused": (1, 0.75, 0.3, 1),
    "closed": (0.8, 0.8, 0.8, 1),
    "offline": (1, 0.4, 0.4, 1),
    "service_down": (1, 0.4, 0.4, 1),
}


class ScreenTexts(NamedTuple):
    window: str
    status: str
    status_color: tuple[float, float, float, float]
    ticket: str
    service: str
    elapsed: str
    waiting: str
    served: str
    rating: str
    note: str
    pause: str
    reason: str = ""  # why the current ticket was called (the engine's rule, in words)
    stage: str = ""  # a case (一件事): "新生儿出生一件事  第2步/共4步"
    summons: str = ""  # a joint review (联审) this window is summoned to


def screen_texts(view: CounterView, service_names: dict[str, str], now: float) -> ScreenTexts:
    """Everything the work screen shows; ``now`` is wall-clock time (for time served)."""
    key = view.status if view.online else "offline"
    if view.online and not view.service_up:
        key = "service_down"
    zh, en = STATUS_TEXT[key]
    status = f"{zh} {en}"
    if key == "paused" and view.pause_reason:
        status += f"（{view.pause_reason}）"
    if view.staff:
        status = f"工号 {view.staff}   {status}"
    return ScreenTexts(
        window=view.name or view.window,
        status=status,
        status_color=STATUS_COLOR[key],
        ticket=view.ticket or "—",
        service=_service(view, service_names),
        elapsed=elapsed_text(view, now),
        waiting=f"{view.waiting} 人" + (f"（主办 {view.waiting_primary}）" if view.waiting else ""),
        served=str(view.served_today),
        rating="—" if view.rating_avg is None else f"{view.rating_avg:.2f}",
        note=view.note.text() + "  " + view.note.en if view.note else "",
        pause="恢复\nResume F6" if view.status == "paused" else "暂停\nPause F6",
        reason=view.call_reason if view.ticket else "",
        stage=stage_text(view),
        summons=summons_text(view),
    )


def summons_text(view: CounterView) -> str:
    """The window's summons to a joint review (blank without one)."""
    s = view.summons
    if s is None:
        return ""
    if s.status == "called":
        return (
            f"联审进行中：{s.ticket} 在 {s.room_name}  "
            f"Joint review of {s.ticket} in {s.room_name_en}"
        )
    if s.confirmed:
        return (
            f"联审：已确认，请到 {s.room_name}（等候其他部门）  Confirmed: go to {s.room_name_en}"
        )
    return (
        f"联审召集：请到 {s.room_name} 办理 {s.ticket}，按 F7 确认  "
        f"Summoned to {s.room_name_en} for {s.ticket}: press F7 to confirm"
    )


def stage_text(view: CounterView) -> str:
    """The case's matter and the step it is at (blank for a plain ticket)."""
    if not view.ticket or not view.matter:
        return ""
    step, steps = view.step, view.steps
    return f"一件事：{view.matter_name}  第{step}步/共{steps}步  Step {step}/{steps}"


def _service(view: CounterView, names: dict[str, str]) -> str:
    if not view.ticket or not view.service:
        return "等待呼叫  Press F1 to call"
    zh, en = TICKET_STATE.get(view.ticket_state or "", (view.ticket_state or "", ""))
    return f"{names.get(view.service, view.service)}  ·  {zh} {en}"


def elapsed_text(view: CounterView, now: float) -> str:
    """Time since the ticket was called, as 已用时 mm:ss (blank without a ticket)."""
    if not view.ticket or view.called_at is None:
        return ""
    seconds = max(0, int(now - view.called_at))
    return f"已用时 {seconds // 60:02d}:{seconds % 60:02d}  Time"
