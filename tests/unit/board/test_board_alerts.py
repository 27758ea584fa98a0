from board.alerts import (
    Level,
    all_alerts,
    device_alerts,
    idle_window_alerts,
    printer_states,
    service_alerts,
)
from hallq.contract import PrinterPresence

NOW = 10_000.0


def svc(code, waiting=0, oldest=None, *, target=1200, est=None, dept="d1", name=None):
    return {
        "service": code,
        "name": name or code,
        "department": dept,
        "waiting": waiting,
        "oldest_waiting_at": oldest,
        "target_wait_s": target,
        "est_wait_s": est,
    }


def win(wid, services, status="open", ticket=None):
    return {
        "window": wid,
        "name": f"{wid}号窗口",
        "status": status,
        "ticket": ticket,
        "services": services,
    }


def test_service_over_target_is_an_alarm_with_minutes():
    alerts = service_alerts({"SB": svc("SB", 3, NOW - 1500, name="社保")}, NOW)
    assert [(a.kind, a.level, a.key) for a in alerts] == [("over_target", Level.ALARM, "SB")]
    assert "25 分钟" in alerts[0].zh and "20 分钟" in alerts[0].zh


def test_service_under_target_but_estimate_over_is_a_forecast():
    alerts = service_alerts({"SB": svc("SB", 9, NOW - 300, est=1800)}, NOW)
    assert [(a.kind, a.level) for a in alerts] == [("forecast", Level.WARN)]


def test_calm_service_and_empty_queue_raise_nothing():
    services = {"SB": svc("SB", 2, NOW - 60, est=300), "GJ": svc("GJ", 0, NOW - 5000)}
    assert service_alerts(services, NOW) == []


def test_idle_window_gets_a_set_secondary_suggestion():
    services = {"SB": svc("SB", 5, NOW - 2000, name="社保"), "GJ": svc("GJ", 0)}
    windows = {"12": win("12", {"GJ": "primary"}), "3": win("3", {"SB": "primary"}, ticket="A1")}
    alerts = idle_window_alerts(windows, services, NOW)
    assert len(alerts) == 1
    a = alerts[0]
    assert a.key == "12" and a.zh == "12号窗口 空闲：可将 社保 设为次要业务"
    assert a.action == {
        "op": "set_services",
        "window": "12",
        "services": {"GJ": "primary", "SB": "secondary"},
    }


def test_busy_closed_or_own_queue_windows_are_not_idle():
    services = {"SB": svc("SB", 5, NOW - 2000), "GJ": svc("GJ", 1, NOW - 10)}
    windows = {
        "1": win("1", {"GJ": "primary"}),  # its own service has someone waiting
        "2": win("2", {"XX": "primary"}, status="closed"),
        "3": win("3", {"XX": "primary"}, ticket="B001"),
        "4": win("4", {"SB": "secondary"}),  # already serves SB
    }
    assert idle_window_alerts(windows, services, NOW) == []


def test_suggestion_prefers_the_windows_own_department():
    services = {
        "FAR": svc("FAR", 9, NOW - 9000, dept="other"),
        "NEAR": svc("NEAR", 2, NOW - 1300, dept="mine"),
    }
    alerts = idle_window_alerts({"7": win("7", {})}, services, NOW, {"7": "mine"})
    assert alerts[0].action["services"] == {"NEAR": "secondary"}
    alerts = idle_window_alerts({"7": win("7", {})}, services, NOW)
    assert alerts[0].action["services"] == {"FAR": "secondary"}


def test_devices_offline_and_printer_paper():
    devices = {
        "kiosk1": {"online": True, "printer": "paper_out"},
        "kiosk2": {"online": True, "printer": "paper_low"},
        "kiosk3": {"online": True, "printer": PrinterPresence.OK},
        "kiosk4": {"online": True, "printer": "unknown"},  # a write-only printer: no alert
        "kiosk5": {"online": True, "printer": "cover_open"},
        "display1": {"online": False},
    }
    got = {(a.key, a.kind, a.level) for a in device_alerts(devices)}
    assert got == {
        ("kiosk1", "printer", Level.ALARM),
        ("kiosk2", "printer", Level.WARN),
        ("kiosk5", "printer", Level.ALARM),
        ("display1", "device_offline", Level.ALARM),
    }
    (paper,) = device_alerts({"kiosk1": devices["kiosk1"]})
    assert (paper.zh, paper.en) == ("kiosk1 打印机缺纸", "kiosk1: printer paper out")


def test_the_page_is_told_what_every_printer_value_the_contract_allows_means():
    """board.js reads a printer's health from this table (the snapshot's printer_states); a value
    missing here (or spelt differently from the kiosk's) would show as unknown."""
    table = printer_states()
    assert set(table) == {p.value for p in PrinterPresence}
    healthy = [value for value, s in table.items() if s["health"] == "ok"]
    assert healthy == [PrinterPresence.OK.value]
    assert all(s["zh"] and s["en"] for s in table.values())


def test_all_alerts_puts_alarms_first():
    state = {
        "services": {"SB": svc("SB", 9, NOW - 300, est=1800)},
        "windows": {},
        "devices": {"k": {"online": False}},
    }
    assert [a.level for a in all_alerts(state, NOW)] == [Level.ALARM, Level.WARN]


def test_an_unwritable_store_is_a_chinese_first_alarm_and_low_disk_a_warning():
    def broker(status, free=None):
        store = {"status": status, "message": "…", "free_mb": free}
        return {"hallq": {"online": True, "store": store}}

    alarm = device_alerts(broker("disk_full", 0))
    assert [(a.kind, a.level, a.key) for a in alarm] == [("store", Level.ALARM, "hallq")]
    assert alarm[0].zh.startswith("存储不可写：磁盘已满")
    assert alarm[0].en.startswith("Store not writable: disk full")
    gone = device_alerts(broker("missing"))[0]
    assert "备份" in gone.zh and gone.level is Level.ALARM
    low = device_alerts(broker("disk_low", 150))
    assert [(a.level, a.en) for a in low] == [(Level.WARN, "Store disk space low: 150 MB free")]
    assert device_alerts(broker("ok", 9000)) == []
    newer = device_alerts(broker("quota_exceeded"))  # a newer service's status: still shown
    assert newer[0].level is Level.ALARM and "…" in newer[0].zh
    # alarms come first in the board's list
    state = {"devices": {**broker("disk_low", 150), "kiosk1": {"online": False}}}
    assert [a.kind for a in all_alerts(state, NOW)] == ["device_offline", "store"]


def test_events_the_service_skipped_at_start_up_raise_an_alarm():
    fault = {"seq": 17, "kind": "ticket_called", "error": "unknown window w9"}
    state = {"hall": {"hall": "h1", "replay_faults": [fault, {**fault, "seq": 18}]}}
    (alert,) = all_alerts(state, NOW)
    assert (alert.kind, alert.level) == ("replay", Level.ALARM)
    assert "2 条" in alert.zh and "REPLAY SKIPPED" in alert.en
    assert all_alerts({"hall": {"hall": "h1", "replay_faults": []}}, NOW) == []


def test_a_department_not_confirming_a_joint_review_in_time_raises_an_alert():
    from board.alerts import joint_alerts

    def part(window, confirmed=None):
        return {
            "department": "rs",
            "department_name": "人社",
            "department_name_en": "HR",
            "window": window,
            "window_name": f"{window}号窗口",
            "summoned_at": NOW - 400,
            "confirmed_at": confirmed,
        }

    review = {
        "review": "J001",
        "ticket": "D001",
        "room": "r1",
        "room_name": "第一联审室",
        "status": "summoning",
        "confirm_within_s": 300,
        "parts": [part("w1", NOW - 390), part("w2")],
    }
    (alert,) = joint_alerts([review], NOW)
    assert alert.kind == "joint_unconfirmed" and alert.key == "J001:w2"
    assert alert.zh == "联审 J001 (D001, 第一联审室)：人社 w2号窗口 召集 7 分钟未确认"  # rounded up
    assert joint_alerts([review], NOW - 200) == []  # still within the confirm time
    assert joint_alerts([{**review, "status": "closed"}], NOW) == []
    assert [a.kind for a in all_alerts({"joint": [review]}, NOW)] == ["joint_unconfirmed"]
