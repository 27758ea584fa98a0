"""Every string the kiosk shows, Chinese first with an English twin (no I/O, no Kivy)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("请选择办理部门", "Choose a department"),
    "title_matters": (
        "请选择“一件事”或办理部门",
        "Choose an all-in-one package or a department",
    ),
    "choose_service": ("{dept}：请选择办理事项", "{dept}: choose a service"),
    "lang_button": ("English", "中文"),
    "large_on": ("大字模式", "Large text"),
    "large_off": ("标准字号", "Small text"),
    "back": ("返回", "Back"),
    "home": ("返回首页", "Home"),
    "priority_button": ("优先通道", "Priority lane"),
    "appointment_button": ("预约签到", "Appointment check-in"),
    "priority_title": ("请选择优先类别", "Choose your priority group"),
    "priority_hint": ("工作人员可能查验相关证件", "Staff may ask to see a document"),
    "priority_chosen": ("优先通道：{name}　请选择业务", "Priority: {name} — choose a service"),
    "appointment_chosen": (
        "预约 {code}：请选择预约的业务",
        "Appointment {code}: choose its service",
    ),
    "cancel_priority": ("取消优先", "Cancel priority"),
    "appointment_title": ("请输入预约码或扫码", "Type or scan your appointment code"),
    "appointment_ok": ("确定", "OK"),
    "appointment_clear": ("清除", "Clear"),
    "appointment_bad": ("预约码为 16 位数字或字母", "A booking code has 16 letters or digits"),
    "booking_refused_title": ("预约码无法签到", "This booking cannot check in"),
    "waiting": ("等候 {n} 人", "{n} waiting"),
    "waiting_unknown": ("等候人数更新中", "Queue loading"),
    "est_wait": ("约 {m} 分钟", "about {m} min"),
    "paused": ("暂停取号", "Not available now"),
    "hall_closed": ("不在办公时间", "Outside opening hours"),
    "daily_cap": ("今日号已取完", "No tickets left today"),
    "service_closed": ("暂停取号（窗口未开放）", "Not available now (no open window)"),
    "service_hours_over": ("本业务今日取号已结束", "No more tickets for this service now"),
    "offline": ("系统连接中断，请稍候或到咨询台", "System offline: please wait or ask at the desk"),
    "connecting": ("正在连接系统，请稍候", "Connecting, please wait"),
    "offline_issuing": (
        "系统连接中断：离线取号中，号票有效，恢复后自动排队",
        "System offline: tickets are still issued and join the queue when it is back",
    ),
    "offline_no_numbers": ("离线号已用完，请到咨询台", "No offline numbers left: ask at the desk"),
    "offline_ticket": (
        "离线取号：号票有效，系统恢复后自动排队",
        "Issued offline: your ticket is valid and joins the queue when the system is back",
    ),
    "wait_min_last": (
        "预计等待约 {m} 分钟（离线前估计）",
        "Estimated wait: about {m} min (last known)",
    ),
    "printer_paper_out": (
        "取号机缺纸，暂时无法取号，请到咨询台",
        "The printer is out of paper: please ask at the desk",
    ),
    "printer_offline": (
        "打印机故障，暂时无法取号，请到咨询台",
        "The printer is not working: please ask at the desk",
    ),
    "printer_paper_low": ("打印纸即将用完", "Paper is running low"),
    "issuing": ("正在取号，请稍候…", "Getting your ticket…"),
    "your_number": ("您的号码", "Your number"),
    "ahead": ("前面还有 {n} 人等候", "{n} people ahead of you"),
    "wait_min": ("预计等待约 {m} 分钟", "Estimated wait: about {m} min"),
    "take_ticket": ("请取走号票，留意叫号", "Please take your ticket and listen for your number"),
    "scan_hint": ("扫码查看排队进度", "Scan to follow your place in line"),
    "print_failed_title": ("号票未能打印", "Your ticket did NOT print"),
    "print_failed": (
        "号码 {ticket} 已作废，请不要使用。\n请到咨询台取号。",
        "Number {ticket} is void: do not use it.\nPlease ask at the information desk.",
    ),
    "refused_title": ("暂时无法取号", "No ticket could be issued"),
    "timeout_title": ("系统未响应", "The system did not answer"),
    "timeout": (
        "没有出票。请点“重试”，或到咨询台。",
        "No ticket was issued. Tap Retry, or ask at the desk.",
    ),
    "retry": ("重试", "Retry"),
    "done": ("完成", "Done"),
    "unknown_service": ("此业务已停办", "This service is no longer offered"),
    "other_refusal": ("请到咨询台", "Please ask at the information desk"),
    # the tile's title is the matter's own name (it says 一件事 already); its colour and this
    # line tell it from a department (a long name with a prefix wrapped off the tile)
    "matter_steps": ("一件事 · 共{n}步 一次取号", "All in one: {n} steps, one ticket"),
    "matter_first": (
        "一件事：{name}\n共{n}步，号码不变，办完一步自动排入下一步\n第1步：{first}",
        "{name}\n{n} steps, one number: each step queues you for the next\nStep 1: {first}",
    ),
    "unknown_matter": ("此一件事已停办", "This package is no longer offered"),
}


def tr(key: str, lang: str, **fields: object) -> str:
    """The text for ``key`` in ``lang`` ("zh" or "en"), with ``{fields}`` filled in."""
    zh, en = TEXTS[key]
    text = en if lang == "en" else zh
    return text.format(**fields) if fields else text


def in_lang(message: str, lang: str) -> str:
    """The service's bilingual refusal ("中文 / English") in ``lang``; whole if not split."""
    zh, slash, en = message.partition("/")
    if not slash:
        return message
    en = en.strip()
    return en[:1].upper() + en[1:] if lang == "en" else zh.strip()


def pick(zh: str, en: str, lang: str) -> str:
    """A config name in the right language: English falls back to Chinese when missing."""
    return en if lang == "en" and en else zh
