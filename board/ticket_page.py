"""The phone page a ticket's QR code opens (扫码查看排队进度): HTML from a status dict.

Plain server-rendered HTML, 中文 first (``?lang=en`` for English), large text, no framework.
A 12-line script re-fetches the page every 10 s and swaps ``<main>`` (no flash, and a phone
vibrates when the number is called); without JavaScript a meta refresh does the same.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

REFRESH_S = 10

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "排队进度",
        "other_lang": "English",
        "waiting": "等候中",
        "ahead": "前面还有 <b>{ahead}</b> 人",
        "ahead_approx": "前面还有约 <b>{ahead}</b> 人",
        "next": "马上就到您了，请留意叫号",
        "wait": "预计等候约 <b>{minutes}</b> 分钟",
        "no_wait": "暂时没有窗口办理此业务，无法估计等候时间",
        "priority": "另有 {count} 位优先办理群众（老年人、残疾人等）在等候，可能先于您叫号。",
        "stay": "请留在大厅内，留意叫号屏和广播。",
        "carried": "帮办员替您排队办理，您无需留在大厅。",
        "carried_go": "帮办员正前往办理。",
        "called": "已叫号",
        "go": "请到",
        "go_hint": "正在叫您的号，请尽快前往。",
        "serving": "办理中",
        "serving_at": "正在 {window} 为您办理。",
        "done": "已办结",
        "thanks": "业务已办结，感谢您的耐心等候！欢迎对我们的服务作出评价。",
        "no_show": "过号",
        "no_show_hint": "叫号时您未到窗口。请到咨询台咨询，或重新取号。",
        "cancelled": "已作废",
        "cancelled_hint": "此号码已作废。如仍需办理，请重新取号。",
        "held": "暂停保留",
        "held_hint": "您的号码在 {window} 暂停保留。准备好后请留意叫号，窗口会再次叫您。",
        "unknown": "今天没有这个号码",
        "unknown_hint": "请核对小票上的号码。号码只在取号当天有效。",
        "unavailable": "暂时无法查询",
        "unavailable_hint": "排队信息暂时读取不到，请以大厅叫号屏为准。本页会自动刷新。",
        "bad": "不是有效的号码",
        "bad_hint": "请扫描小票上的二维码，或核对号码。",
        "updated": "更新于 {time} · 每 {s} 秒自动刷新",
        "case": "一件事：{name}（第{step}步/共{steps}步）",
        "visit_done": "已办结",
        "visit_now": "当前步骤",
        "visit_next": "待办",
        "case_hint": "号码不变：办完一步会自动排入下一步，请留意叫号。",
        "agency_hint": "由 {desk} 全程代办：您可以离开大厅，办理进度见本页。",
    },
    "en": {
        "title": "Queue status",
        "other_lang": "中文",
        "waiting": "Waiting",
        "ahead": "<b>{ahead}</b> ahead of you",
        "ahead_approx": "About <b>{ahead}</b> ahead of you",
        "next": "You are next: watch for your number",
        "wait": "Estimated wait: about <b>{minutes}</b> min",
        "no_wait": "No window serves this right now, so no wait estimate",
        "priority": "{count} priority citizens (seniors, disabled, …) are waiting too and may be"
        " called before you.",
        "stay": "Please stay in the hall and watch the screens.",
        "carried": "An agent queues and goes for you: you need not stay in the hall.",
        "carried_go": "An agent is on the way for you.",
        "called": "Called",
        "go": "Please go to",
        "go_hint": "Your number is being called: please go now.",
        "serving": "Being served",
        "serving_at": "You are being served at {window}.",
        "done": "Done",
        "thanks": "All done. Thank you for your patience! Please rate our service.",
        "no_show": "Missed",
        "no_show_hint": "You were not at the window when called. Please ask at the information"
        " desk, or take a new ticket.",
        "cancelled": "Cancelled",
        "cancelled_hint": "This ticket was cancelled. Please take a new ticket if you still"
        " need the service.",
        "held": "On hold",
        "held_hint": "Your ticket is on hold at {window}. When you are ready, watch for your"
        " number: the window will call you again.",
        "unknown": "No such ticket today",
        "unknown_hint": "Please check the number on your ticket. Tickets are valid on the day"
        " they are issued.",
        "unavailable": "Status unavailable",
        "unavailable_hint": "The queue cannot be read right now: please watch the hall's"
        " call display. This page refreshes itself.",
        "bad": "Not a ticket number",
        "bad_hint": "Please scan the QR code on your ticket, or check the number.",
        "updated": "Updated {time} · refreshes every {s} s",
        "case": "{name} (step {step} of {steps})",
        "visit_done": "done",
        "visit_now": "current step",
        "visit_next": "to do",
        "case_hint": "Your number stays the same: each step queues you for the next one.",
        "agency_hint": "{desk} carries this for you: you may leave; this page shows the progress.",
    },
}


def render(status: dict[str, Any] | None, *, lang: str, hall: str, time: str) -> str:
    """The whole page; ``status`` None means the address is not a ticket number of this hall."""
    t = TEXT[lang]
    state = "bad" if status is None else status["state"]
    number = "" if status is None else escape(status["ticket"])
    body = (
        _main(status, t, lang)
        + f'<p class="updated">{t["updated"].format(time=time, s=REFRESH_S)}</p>'
    )
    other = "zh" if lang == "en" else "en"
    title = f"{number} {t['title']}".strip()
    return PAGE.format(
        lang="en" if lang == "en" else "zh-CN",
        title=escape(title),
        hall=escape(hall),
        heading=t["title"],
        other=other,
        other_name=t["other_lang"],
        state=state,
        main=body,
        refresh=REFRESH_S,
        style=STYLE,
        script=SCRIPT,
    )


def _main(status: dict[str, Any] | None, t: dict[str, str], lang: str) -> str:
    if status is None:
        return _state("bad", t["bad"], f'<p class="hint">{t["bad_hint"]}</p>')
    head = f'<div class="number">{escape(status["ticket"])}</div>'
    state = status["state"]
    if state in ("unknown", "unavailable"):
        return head + _state(state, t[state], f'<p class="hint">{t[state + "_hint"]}</p>')
    name = status["service_name_en" if lang == "en" else "service_name"]
    head += f'<div class="service">{escape(name)}</div>'
    window = escape(status.get("window_name_en" if lang == "en" else "window_name", ""))
    body = head + _state(state, t[state], DETAILS[state](status, t, window))
    return body + (_case(status["case"], t, lang) if "case" in status else "")


def _case(case: dict[str, Any], t: dict[str, str], lang: str) -> str:
    """Every step of a case (一件事): done (and where), now, next."""
    en = lang == "en"
    name = case["matter_name_en" if en else "matter_name"]
    head = t["case"].format(name=escape(name), step=case["step"], steps=case["steps"])
    rows = []
    for i, v in enumerate(case["visits"], start=1):
        label = t["visit_" + v["status"]]
        where = escape(v["window_name_en" if en else "window_name"])
        rows.append(
            f'<li class="{v["status"]}"><span>{i}. {escape(v["name_en" if en else "name"])}'
            f"</span><em>{escape(label)}{' · ' + where if where else ''}</em></li>"
        )
    desk = escape(case.get("desk_name_en" if en else "desk_name") or "")
    hint = t["agency_hint"].format(desk=desk) if desk else t["case_hint"]
    cls = "hint agency" if desk else "hint"
    return (
        f'<section class="case"><h2>{head}</h2><ol>{"".join(rows)}</ol>'
        f'<p class="{cls}">{hint}</p></section>'
    )


def _state(state: str, label: str, detail: str) -> str:
    return f'<div class="state {state}">{escape(label)}</div>{detail}'


def _waiting(s: dict[str, Any], t: dict[str, str], _window: str) -> str:
    ahead = t["ahead_approx" if s["approx"] else "ahead"].format(ahead=s["ahead"])
    if s["est_wait_min"] is None:
        lines = [f'<p class="big">{ahead}</p>', f'<p class="hint">{t["no_wait"]}</p>']
    elif s["ahead"] == 0:
        lines = [f'<p class="big">{t["next"]}</p>']
    else:
        wait = t["wait"].format(minutes=s["est_wait_min"])
        lines = [f'<p class="big">{ahead}</p>', f'<p class="big">{wait}</p>']
    if s["priority_waiting"]:
        lines.append(f'<p class="hint">{t["priority"].format(count=s["priority_waiting"])}</p>')
    lines.append(f'<p class="hint">{t["carried" if _carried(s) else "stay"]}</p>')
    return "".join(lines)


def _carried(s: dict[str, Any]) -> bool:
    """A case an agency desk carries (帮办代办): the agent goes, not the citizen."""
    return bool(s.get("case", {}).get("desk_name"))


def _called(s: dict[str, Any], t: dict[str, str], window: str) -> str:
    hint = t["carried_go" if _carried(s) else "go_hint"]
    return (
        f'<div class="go"><span>{t["go"]}</span><strong>{window}</strong></div>'
        f'<p class="big">{hint}</p>'
    )


Detail = Callable[[dict[str, Any], dict[str, str], str], str]


def _hint(key: str, with_window: bool = False) -> Detail:
    def detail(_s: dict[str, Any], t: dict[str, str], window: str) -> str:
        text = t[key].format(window=f"<b>{window}</b>") if with_window else t[key]
        return f'<p class="big">{text}</p>'

    return detail


DETAILS: dict[str, Detail] = {
    "waiting": _waiting,
    "called": _called,
    "serving": _hint("serving_at", with_window=True),
    "done": _hint("thanks"),
    "no_show": _hint("no_show_hint"),
    "cancelled": _hint("cancelled_hint"),
    "held": _hint("held_hint", with_window=True),
}

# The page's only inline style and script: the board's Content-Security-Policy allows exactly
# these two by their hashes (board/security.py), nothing else inline.
STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:"WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
sans-serif;background:#f2f4f7;color:#1b1f24;font-size:20px;line-height:1.5}
header{display:flex;justify-content:space-between;align-items:center;gap:12px;padding:12px 16px;
background:#1d4f91;color:#fff}
header h1{font-size:18px;margin:0;font-weight:normal}
header a{color:#fff;border:1px solid #fff;border-radius:8px;padding:6px 12px;text-decoration:none;
white-space:nowrap;font-size:16px}
main{max-width:560px;margin:0 auto;padding:20px 16px 32px;text-align:center}
.number{font-size:72px;font-weight:bold;letter-spacing:2px;line-height:1.1}
.service{font-size:22px;color:#44505c;margin:4px 0 16px}
.state{display:inline-block;font-size:28px;font-weight:bold;padding:6px 22px;border-radius:999px;
color:#fff;background:#1d4f91;margin-bottom:12px}
.state.called{background:#d9480f} .state.serving{background:#2b8a3e}
.state.done{background:#2b8a3e} .state.no_show,.state.cancelled,.state.bad{background:#868e96}
.state.held{background:#e67700} .state.unknown,.state.unavailable{background:#868e96}
.big{font-size:24px;margin:12px 0} .big b{font-size:36px;color:#1d4f91}
.hint{font-size:18px;color:#44505c;margin:12px 0}
.go{background:#fff3bf;border:4px solid #d9480f;border-radius:16px;padding:16px 8px;
margin:8px 0 12px}
.go span{display:block;font-size:26px}
.go strong{display:block;font-size:56px;line-height:1.15;color:#c92a2a;overflow-wrap:anywhere}
.updated{font-size:15px;color:#6c757d;margin-top:28px}
.case{background:#fff;border-radius:16px;padding:12px 16px;margin-top:20px;text-align:left}
.case h2{font-size:20px;margin:4px 0 8px;color:#1d4f91}
.case ol{list-style:none;padding:0;margin:0}
.case li{display:flex;justify-content:space-between;gap:8px;padding:8px 0;
border-top:1px solid #e9ecef}
.case li em{font-style:normal;color:#6c757d;white-space:nowrap}
.case li.done span{color:#2b8a3e} .case li.done em{color:#2b8a3e}
.case li.now{font-weight:bold} .case li.now em{color:#d9480f}
"""

SCRIPT = """
(function () {
  var main = document.getElementById("status");
  setInterval(function () {
    fetch(location.href, {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("status");
        if (!next) return;
        var called = next.dataset.state === "called" && main.dataset.state !== "called";
        main.innerHTML = next.innerHTML; main.dataset.state = next.dataset.state;
        if (called && navigator.vibrate) navigator.vibrate([400, 200, 400]);
      }).catch(function () {});
  }, REFRESH_MS);
})();
""".replace("REFRESH_MS", str(REFRESH_S * 1000))

PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<noscript><meta http-equiv="refresh" content="{refresh}"></noscript>
<style>{style}</style>
</head>
<body>
<header><h1>{hall} · {heading}</h1><a id="lang" href="?lang={other}">{other_name}</a></header>
<main id="status" data-state="{state}">{main}</main>
<script>{script}</script>
</body>
</html>
"""
