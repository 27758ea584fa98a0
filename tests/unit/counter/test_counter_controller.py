"""The counter controller with a fake sender: guards, notes, view and LED from retained state."""

from __future__ import annotations

import threading

import msgspec
from counter_fakes import FakeClock, FakeSender, feeding

from counter.controller import Action, CounterController
from hallq.contract import ServiceState, WindowState
from hardware.keypad import LedMode


def window_state(**fields: object) -> bytes:
    base = {
        "window": "w1",
        "name": "1号窗口",
        "status": "open",
        "staff": "S01",
        "ticket": None,
        "ticket_state": None,
        "service": None,
        "called_at": None,
        "served_today": 0,
        "services": {"rs01": "primary", "rs02": "primary", "bdc01": "secondary"},
        "future_field": 1,  # a newer service adds fields; an older counter must keep working
    }
    return msgspec.json.encode({**base, **fields})


def service_state(code: str, waiting: int) -> bytes:
    return msgspec.json.encode({"service": code, "waiting": waiting, "est_wait_s": 60})


def window(c: CounterController):  # type: ignore[no-untyped-def]
    return feeding(c.on_window_state, WindowState)


def service(c: CounterController):  # type: ignore[no-untyped-def]
    return feeding(c.on_service_state, ServiceState)


def make(online: bool = True) -> tuple[CounterController, FakeSender, FakeClock]:
    sender, clock = FakeSender(), FakeClock()
    c = CounterController("w1", sender, clock=clock, repeat_guard_s=0.5)
    c.on_connection(online)
    window(c)(window_state())
    return c, sender, clock


def test_call_next_sends_one_command_and_notes_the_ticket() -> None:
    c, sender, _ = make()
    sender.replies["call_next"] = {"ticket": "A001", "service": "rs01", "window": "w1"}
    result = c.press(Action.CALL_NEXT)
    assert result.ok and sender.ops() == ["call_next"]
    assert result.note.zh == "已呼叫 A001" and result.note.en == "Called A001"


def test_offline_press_is_refused_on_the_spot_and_never_sent() -> None:
    c, sender, _ = make(online=False)
    result = c.press(Action.CALL_NEXT)
    assert not result.ok and result.note.code == "offline"
    c.on_connection(True)  # reconnecting does not replay the refused press
    assert sender.sent == []


def test_link_dropping_mid_press_reports_offline() -> None:
    c, sender, _ = make()
    sender.online = False  # CommandClient raises Offline when publish returns False
    assert c.press(Action.FINISH).note.code == "offline"


def test_repeat_of_the_same_key_within_the_guard_is_refused() -> None:
    c, sender, clock = make()
    assert c.press(Action.CALL_NEXT).ok
    clock.now += 0.1
    assert c.press(Action.CALL_NEXT).note.code == "busy"
    clock.now += 0.5
    assert c.press(Action.CALL_NEXT).ok
    assert sender.ops() == ["call_next", "call_next"]


def test_second_press_while_one_is_in_flight_is_refused() -> None:
    c, sender, _ = make()
    sender.gate = threading.Event()
    first = threading.Thread(target=c.press, args=(Action.CALL_NEXT,))
    first.start()
    assert sender.entered.wait(5)
    assert c.view().busy
    assert c.press(Action.RECALL).note.code == "busy"
    sender.gate.set()
    first.join(5)
    assert sender.ops() == ["call_next"] and not c.view().busy


def test_refusal_code_becomes_a_readable_note() -> None:
    c, sender, _ = make()
    sender.errors["call_next"] = "queue_empty"
    result = c.press(Action.CALL_NEXT)
    assert not result.ok and result.note.zh == "暂无等候群众"
    assert c.view().note == result.note


def test_sign_in_needs_a_staff_id_and_transfer_a_service() -> None:
    c, sender, _ = make()
    assert c.press(Action.SIGN_IN, staff="  ").note.code == "need_staff"
    assert c.press(Action.TRANSFER).note.code == "need_service"
    assert sender.sent == []
    assert c.press(Action.SIGN_IN, staff=" S07 ").ok
    assert sender.sent == [("open", {"staff": "S07"})]


def test_toggle_pause_follows_the_window_status() -> None:
    c, sender, clock = make()
    for status, op in (("closed", "open"), ("open", "pause"), ("paused", "resume")):
        window(c)(window_state(status=status))
        clock.now += 1
        assert c.press(Action.TOGGLE_PAUSE).ok
        assert sender.ops()[-1] == op


def test_view_sums_waiting_for_this_windows_services_only() -> None:
    c, _, _ = make()
    for code, n in (("rs01", 3), ("rs02", 2), ("bdc01", 4), ("bdc02", 9)):
        service(c)(service_state(code, n))
    v = c.view()
    assert (v.waiting, v.waiting_primary) == (9, 5)
    assert v.services == {"rs01": "primary", "rs02": "primary", "bdc01": "secondary"}


def test_led_follows_state_and_connection() -> None:
    c, _, _ = make()
    assert c.view().led is LedMode.STEADY
    window(c)(window_state(ticket="A001", ticket_state="called"))
    assert c.view().led is LedMode.BLINK
    window(c)(window_state(ticket="A001", ticket_state="serving"))
    assert c.view().led is LedMode.STEADY
    window(c)(window_state(status="paused"))
    assert c.view().led is LedMode.OFF
    c.on_connection(False)
    assert c.view().led is LedMode.FAST_BLINK and c.view().note.code == "offline"


def test_state_of_another_window_or_garbage_is_ignored() -> None:
    c, _, _ = make()
    window(c)(window_state(window="w2", ticket="B001"))
    window(c)(b"{not json")
    window(c)(b"")
    assert c.view().ticket is None and c.view().status == "open"


def test_every_change_is_pushed_to_the_front_end() -> None:
    c, _, _ = make()
    seen: list[str | None] = []
    c.when_changed = lambda v: seen.append(v.ticket)
    window(c)(window_state(ticket="A002", ticket_state="called"))
    assert seen[-1] == "A002"


def test_the_first_connection_is_not_news_but_coming_back_is() -> None:
    c, _, _ = make(online=False)
    c.on_connection(True)  # the sign-in screen's first connection: nothing was lost
    assert c.view().online and c.view().note is None
    c.on_connection(True)  # a repeated "connected" is not a recovery either
    assert c.view().note is None
    c.on_connection(False)
    assert c.view().note is not None and c.view().note.code == "offline"
    c.on_connection(True)
    assert c.view().note is not None and c.view().note.en == "Back online"


def test_the_view_says_why_the_current_ticket_was_called() -> None:
    sender, clock = FakeSender(), FakeClock()
    names = {"elderly": ("老年人", "Senior")}
    c = CounterController("w1", sender, clock=clock, priority_names=names)
    c.on_connection(True)
    window(c)(window_state())
    sender.replies["call_next"] = {
        "ticket": "A002",
        "reason_code": "primary",
        "priority_rule": "share",
        "priority": "elderly",
    }
    c.press(Action.CALL_NEXT)
    assert c.view().call_reason == ""  # the window's state does not show A002 yet
    window(c)(window_state(ticket="A002", ticket_state="called", service="rs01"))
    assert c.view().call_reason == "优先: 老年人  Priority: Senior"
    sender.replies["call_next"] = {"ticket": "B001", "reason_code": "secondary_overdue"}
    clock.now += 1
    c.press(Action.CALL_NEXT)
    window(c)(window_state(ticket="B001", ticket_state="called", service="bdc01"))
    assert c.view().call_reason == "次要事项超时  Secondary service over its target wait"
    sender.replies["call_next"] = {"ticket": "A003", "reason_code": "cmu"}  # guarded_cmu's
    clock.now += 1
    c.press(Action.CALL_NEXT)
    window(c)(window_state(ticket="A003", ticket_state="called", service="rs01"))
    assert c.view().call_reason == "等得久、办得快的事项先叫  Long wait and quick service go first"
    window(c)(window_state(ticket="C009", ticket_state="called", service="rs01"))
    assert c.view().call_reason == ""  # called elsewhere (the board): reason unknown here


def test_a_case_shows_its_matter_and_step_and_finish_says_where_next() -> None:
    from counter.present import screen_texts

    sender, clock = FakeSender(), FakeClock()
    c = CounterController(
        "w1", sender, clock=clock, next_stop=lambda code: (f"4号窗口 办理{code}", f"{code} at 4")
    )
    c.on_connection(True)
    case = {"matter": "birth", "matter_name": "新生儿出生一件事", "step": 2, "steps": 4}
    window(c)(window_state(ticket="D001", ticket_state="serving", service="rs01", **case))
    texts = screen_texts(c.view(), {"rs01": "社保参保登记"}, 0.0)
    assert texts.stage == "一件事：新生儿出生一件事  第2步/共4步  Step 2/4"
    sender.replies["finish"] = {"ticket": "D001", "window": "w1", "to": "bdc01"}
    result = c.press(Action.FINISH)
    assert result.note.zh == "D001 本步办结，下一步：4号窗口 办理bdc01"
    assert result.note.en == "D001: step done. Next: bdc01 at 4"
    window(c)(window_state())
    assert screen_texts(c.view(), {}, 0.0).stage == ""  # a plain ticket: no stage line


def test_next_stop_names_the_windows_of_the_next_service(tmp_path) -> None:
    from halls import DATA, write_test_hall

    from counter.wiring import next_stop
    from hallq.config import load_config

    cfg = load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))
    assert next_stop(cfg, "hz01") == ("4号窗口 办理出生登记", "Birth registration at Window 4")
    assert next_stop(cfg, "rs01")[0] == "1号窗口 办理社保参保登记"


def test_a_summons_to_a_joint_review_shows_and_is_confirmed_with_its_review() -> None:
    from counter.present import screen_texts

    c, sender, _ = make()
    assert c.press(Action.JOINT_CONFIRM).note.code == "no_summons"  # nothing to confirm
    assert not sender.sent
    summons = {
        "review": "J001",
        "ticket": "D001",
        "room": "r1",
        "room_name": "第一联审室",
        "room_name_en": "Room 1",
        "status": "summoning",
        "confirmed": False,
    }
    window(c)(window_state(summons=summons))
    text = screen_texts(c.view(), {}, 0.0).summons
    assert text.startswith("联审召集：请到 第一联审室 办理 D001，按 F7 确认")
    sender.replies["joint_confirm"] = {"review": "J001", "ticket": "D001", "called": True}
    result = c.press(Action.JOINT_CONFIRM)
    assert sender.sent[-1][0] == "joint_confirm" and sender.sent[-1][1]["review"] == "J001"
    assert result.note.zh == "已确认，各部门到齐，D001 已被呼叫到 第一联审室"
    assert result.note.en == "Confirmed: all in, D001 called to Room 1"
    window(c)(window_state(summons={**summons, "confirmed": True, "status": "called"}))
    assert screen_texts(c.view(), {}, 0.0).summons.startswith("联审进行中：D001 在 第一联审室")
    window(c)(window_state())
    assert screen_texts(c.view(), {}, 0.0).summons == ""
