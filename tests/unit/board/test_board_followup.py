"""差评整改: items from the 差评 of the hand-computed month, their life and deadlines."""

import stat

import pytest
from month_data import MONTH, at

from board.followup import FollowupRefused, Followups, Status, sync
from hallq.core.model import Event
from hallq.store import EventStore


def followups(tmp_path, days=5):
    return Followups(
        tmp_path / "board-followups.sqlite",
        overdue_days=days,
        window_department={"w1": "rs", "w2": "gjj"},
        departments=["rs", "gjj"],
        day_of=lambda t: "2026-12-" + {True: "02", False: "20"}[t < at("2026-12-10", "00:00")],
    )


def month_store(tmp_path):
    store = EventStore(tmp_path / "hallq.db").open()
    for day, events in MONTH.items():
        store.append(events, day)
    store.close()
    return tmp_path / "hallq.db"


def test_every_bad_rating_in_the_store_becomes_one_item(tmp_path):
    f = followups(tmp_path)
    assert sync(f, month_store(tmp_path), "Asia/Shanghai") == 3  # 11-30, 12-01, 12-15
    assert sync(f, tmp_path / "hallq.db", "Asia/Shanghai") == 0  # found once
    items = f.items("2026-12-01", "2026-12-31")
    assert [(i.rating.key, i.rating.score, i.department, i.due) for i in items] == [
        ("2026-12-01/B001", 1, "gjj", "2026-12-08"),  # the window's department; 5 working days
        ("2026-12-15/A001", 2, "gjj", "2026-12-22"),
    ]
    assert all(i.status is Status.OPEN for i in items)
    assert stat.S_IMODE((tmp_path / "board-followups.sqlite").stat().st_mode) == 0o600


def test_a_new_bad_rating_is_found_after_the_cursor(tmp_path):
    f = followups(tmp_path)
    path = month_store(tmp_path)
    sync(f, path, "Asia/Shanghai")
    store = EventStore(path).open()
    late = {"ticket": "A001", "score": 2, "window": "w1"}
    store.append([Event("ticket_rated", at("2026-12-31", "10:00"), late)], "2026-12-31")
    store.close()
    assert sync(f, path, "Asia/Shanghai") == 1
    assert f.items("2026-12-31", "2026-12-31")[0].department == "rs"


def test_assign_handle_close_and_who_did_it(tmp_path):
    f = followups(tmp_path)
    sync(f, month_store(tmp_path), "Asia/Shanghai")
    key = "2026-12-01/B001"
    with pytest.raises(FollowupRefused, match="unknown department"):
        f.act(key, "assign", "wang", at("2026-12-02", "10:00"), department="nope")
    f.act(key, "assign", "wang", at("2026-12-02", "10:00"), department="rs")
    with pytest.raises(FollowupRefused, match="handle it with a note first"):
        f.act(key, "close", "wang", at("2026-12-02", "10:01"))
    with pytest.raises(FollowupRefused, match="note"):
        f.act(key, "handle", "zhao", at("2026-12-02", "11:00"), note="   ")
    f.act(key, "handle", "zhao", at("2026-12-02", "11:00"), note="已电话回访，补发材料清单")
    item = f.act(key, "close", "wang", at("2026-12-02", "16:00"))
    assert item.status is Status.CLOSED and item.department == "rs"
    assert [(a["by"], a["action"]) for a in item.actions] == [
        ("wang", "assign"),
        ("zhao", "handle"),
        ("wang", "close"),
    ]
    assert not item.overdue("2026-12-20")  # closed in time stays in time
    with pytest.raises(FollowupRefused, match="already closed") as refused:
        f.act(key, "handle", "zhao", at("2026-12-03", "09:00"), note="again")
    assert refused.value.status == 409
    with pytest.raises(FollowupRefused, match="no follow-up item"):
        f.act("2026-12-02/Z999", "handle", "zhao", at("2026-12-03", "09:00"), note="x")


def test_overdue_after_the_working_days_and_a_late_close_stays_late(tmp_path):
    f = followups(tmp_path)
    sync(f, month_store(tmp_path), "Asia/Shanghai")
    item = f.items("2026-12-01", "2026-12-01")[0]
    assert not item.overdue("2026-12-08") and item.overdue("2026-12-09")
    key = item.rating.key
    f.act(key, "handle", "zhao", at("2026-12-11", "09:00"), note="整改")
    late = f.act(key, "close", "wang", at("2026-12-11", "10:00"))  # day_of: 2026-12-20
    assert late.overdue("2026-12-31") and late.as_dict("2026-12-31")["overdue"]


def test_no_file_means_no_items_and_reading_never_creates_it(tmp_path):
    f = followups(tmp_path)
    assert f.items() == [] and f.cursor() == 0
    assert not (tmp_path / "board-followups.sqlite").exists()
