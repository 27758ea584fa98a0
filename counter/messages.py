"""What the counter tells its staff, Chinese first with English beside it."""

from __future__ import annotations

from typing import NamedTuple


class Note(NamedTuple):
    """One message for the staff: a stable code and its text in both languages."""

    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


NOTES: dict[str, tuple[str, str]] = {
    "offline": ("网络离线，按键未发送", "Offline: key not sent"),
    "busy": ("上一操作处理中，请稍候", "Busy with the previous key"),
    "no_reply": ("服务无响应，请重试", "No reply from the service; try again"),
    "queue_empty": ("暂无等候群众", "Nobody is waiting"),
    "window_closed": ("窗口未开启，请先签到", "Window closed: sign in first"),
    "window_paused": ("窗口暂停中，请先恢复", "Window paused: resume first"),
    "no_current_ticket": ("当前没有办理中的号码", "No current ticket"),
    "bad_state": ("当前状态不能执行此操作", "Not possible in the current state"),
    "unknown_service": ("没有这个事项", "No such service"),
    "unknown_ticket": ("今天没有这个号码", "No such ticket today"),
    "forbidden": ("本终端无权执行此操作", "This terminal may not do that"),
    "need_staff": ("请输入工号", "Enter your staff id"),
    "need_service": ("请选择转办事项", "Choose a service to transfer to"),
    "called": ("已呼叫 {ticket}", "Called {ticket}"),
    "recalled": ("已重呼 {ticket}", "Called {ticket} again"),
    "started": ("开始办理 {ticket}", "Serving {ticket}"),
    "finished": ("{ticket} 办结", "{ticket} finished"),
    "finished_next": ("{ticket} 本步办结，下一步：{next}", "{ticket}: step done. Next: {next_en}"),
    "no_show": ("{ticket} 过号", "{ticket} did not come"),
    "held": ("{ticket} 已挂起", "{ticket} put on hold"),
    "transferred": ("{ticket} 已转办", "{ticket} transferred"),
    "opened": ("已签到，窗口开启", "Signed in: window open"),
    "closed": ("已签退，窗口关闭", "Signed out: window closed"),
    "paused": ("窗口已暂停", "Window paused"),
    "resumed": ("窗口已恢复", "Window resumed"),
    "online": ("网络已恢复", "Back online"),
    "no_summons": ("本窗口没有待确认的联审召集", "No joint review summons to confirm"),
    "joint_confirmed": ("已确认联审，请到 {room}", "Confirmed: go to {room_en}"),
    "joint_called": (
        "已确认，各部门到齐，{ticket} 已被呼叫到 {room}",
        "Confirmed: all in, {ticket} called to {room_en}",
    ),
    "no_open_window": ("该部门没有可召集的窗口", "That department has no window to summon"),
    "unknown_review": ("没有这个联审", "No such joint review"),
    "service_down": (
        "排队服务中断，按键未发送；恢复后自动重连",
        "Queue service down: key not sent; it reconnects by itself",
    ),
    "service_back": ("排队服务已恢复", "Queue service back"),
}


def note(code: str, **fields: str) -> Note:
    """The note for ``code`` with its ``{fields}`` filled in; unknown codes keep the code."""
    zh, en = NOTES.get(code, (f"操作失败：{code}", f"Refused: {code}"))
    return Note(code, zh.format(**fields), en.format(**fields))


STATUS_TEXT = {
    "open": ("办理中", "Open"),
    "paused": ("暂停", "Paused"),
    "closed": ("未开启", "Closed"),
    "offline": ("离线", "Offline"),
    "service_down": ("排队服务中断", "Service down"),
}
