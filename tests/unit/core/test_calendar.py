"""The hall's calendar through the engine: holidays, make-up days (调休), lunch, service hours."""

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from layouts import small_layout

from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import Calendar, OpeningHours
from hallq.core.views import hall_view, service_view

TZ = ZoneInfo("Asia/Shanghai")
WEEK = OpeningHours(8 * 60 + 30, 17 * 60 + 30, frozenset({0, 1, 2, 3, 4, 5}))  # mon-sat
NATIONAL_DAY = Calendar(
    day_hours={5: (9 * 60, 12 * 60)},  # Saturday mornings only
    holidays=frozenset(f"2026-10-0{d}" for d in range(1, 8)),
    makeup_days=frozenset({"2026-09-20", "2026-10-10"}),  # a Sunday and a Saturday
    lunch=(12 * 60, 13 * 60 + 30),
    lunch_issuing=False,
    service_hours={"B": (0, 16 * 60 + 30)},  # 医保 stops issuing at 16:30
)


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=TZ).timestamp()


def engine(calendar: Calendar = NATIONAL_DAY) -> Engine:
    layout = dataclasses.replace(small_layout(), hours=WEEK, calendar=calendar)
    e = Engine(layout)
    for w in ("w1", "w2", "w3"):
        e.run("open", at("2026-09-14 08:00"), window=w)
    return e


def refusal(e: Engine, service: str, when: str) -> QueueError:
    now = at(when)
    for w in ("w1", "w2", "w3"):
        e.run("open", now, window=w)  # a new business day closes every window
    with pytest.raises(QueueError) as err:
        e.run("issue", now, service=service)
    return err.value


def issue(e: Engine, service: str, when: str) -> str:
    now = at(when)
    for w in ("w1", "w2", "w3"):
        e.run("open", now, window=w)
    return e.run("issue", now, service=service)[-1].data["ticket"]


def test_a_holiday_refuses_with_the_first_working_morning_after_it():
    err = refusal(engine(), "A", "2026-10-01 10:00")  # 国庆, a Thursday
    assert err.code is ErrorCode.HALL_CLOSED
    assert err.opens_at == at("2026-10-08 08:30")


def test_a_makeup_saturday_is_a_full_working_day():
    e = engine()
    assert issue(e, "A", "2026-10-10 15:00") == "A001"  # 调休上班: weekday hours
    err = refusal(e, "A", "2026-10-17 15:00")  # an ordinary Saturday: mornings only
    assert err.code is ErrorCode.HALL_CLOSED
    assert err.opens_at == at("2026-10-19 08:30")
    assert issue(e, "A", "2026-10-17 11:59") == "A001"


def test_a_makeup_sunday_opens_a_closed_weekday():
    assert issue(engine(), "A", "2026-09-20 09:00") == "A001"


def test_lunch_pauses_issuing_until_it_ends_when_configured():
    err = refusal(engine(), "A", "2026-09-16 12:30")
    assert err.code is ErrorCode.HALL_CLOSED
    assert err.opens_at == at("2026-09-16 13:30")
    keeps_issuing = dataclasses.replace(NATIONAL_DAY, lunch_issuing=True)
    assert issue(engine(keeps_issuing), "A", "2026-09-16 12:30") == "A001"


def test_an_early_closing_service_refuses_while_the_hall_is_open():
    e = engine()
    assert issue(e, "B", "2026-09-16 16:29") == "B001"
    err = refusal(e, "B", "2026-09-16 16:30")
    assert err.code is ErrorCode.SERVICE_CLOSED
    assert err.opens_at == at("2026-09-17 08:30")
    assert issue(e, "A", "2026-09-16 16:30") == "A001"  # the hall itself is still open


def test_the_views_carry_the_next_opening():
    e = engine()
    now = at("2026-09-16 16:45")
    b, a = service_view(e, "B", now), service_view(e, "A", now)
    assert (b["open"], b["closed_reason"], b["opens_at"]) == (
        False,
        "service_closed",
        at("2026-09-17 08:30"),
    )
    assert (a["open"], a["opens_at"]) == (True, None)
    hall = hall_view(e, at("2026-09-30 18:00"))  # the eve of the National Day holidays
    assert (hall["open"], hall["opens_at"]) == (False, at("2026-10-08 08:30"))


def test_no_open_window_gives_no_opening_time_and_a_daily_cap_gives_tomorrow():
    e = Engine(dataclasses.replace(small_layout(), hours=WEEK, calendar=NATIONAL_DAY))
    now = at("2026-09-16 10:00")
    e.run("open", now, window="w1")
    with pytest.raises(QueueError) as err:
        e.run("issue", now, service="B")  # nobody serves B: only staff can change that
    assert (err.value.code, err.value.opens_at) == (ErrorCode.SERVICE_CLOSED, None)
    e.run("open", now, window="w3")
    for _ in range(3):
        e.run("issue", now, service="C")
    with pytest.raises(QueueError) as err:
        e.run("issue", now, service="C")
    assert (err.value.code, err.value.opens_at) == (ErrorCode.DAILY_CAP, at("2026-09-17 08:30"))
