"""The appraisal figures of the hand-computed month (month_data.py has the day and answers)."""

from datetime import date

import pytest
from month_data import MONTH

from board import period
from board.report import bucket_table, table
from board.stats import Targets, period_report
from board.workdays import add_working_days, working_days
from hallq.core.model import Calendar

TARGETS = Targets({"SB": 600, "GJ": 1200}, {"SB": "rs", "GJ": "gjj"})


def december():
    p = period.parse("month", "2026-12")
    days = [(d, MONTH.get(d, [])) for d in p.days]
    return period_report(days, p.label, "Asia/Shanghai", TARGETS, p.bucket())


def mins(values):
    return sorted(round(v / 60, 3) for v in values)


def test_the_hall_total_matches_the_hand_count():
    t = december().total
    assert t.tickets == 6 and t.finished == 5
    assert mins(t.waits) == [4, 5, 10, 15, 28, 30, 35]
    assert t.wait_mean == pytest.approx(127 * 60 / 7) and t.wait_p90 == 35 * 60
    assert t.over_target == 4 and t.over_target_share == pytest.approx(4 / 7)
    assert t.service_mean == pytest.approx(10.4 * 60)
    assert (t.no_shows, t.transfers) == (1, 1)
    assert t.ratings == [1, 1, 1, 1, 1] and t.satisfaction == 0.6 and t.bad == 2


def test_departments_match_the_hand_count():
    r = december()
    rs, gjj = r.departments["rs"], r.departments["gjj"]
    assert (rs.tickets, rs.finished, rs.no_shows, rs.transfers) == (4, 2, 1, 1)
    assert mins(rs.waits) == [5, 10, 15, 30] and rs.wait_p90 == 30 * 60
    assert rs.over_target_share == 0.5 and rs.service_mean == 11 * 60
    assert (rs.rated, rs.bad) == (2, 0)
    assert (gjj.tickets, gjj.finished, gjj.no_shows, gjj.transfers) == (2, 3, 0, 0)
    assert mins(gjj.waits) == [4, 28, 35] and gjj.wait_p90 == 35 * 60
    assert gjj.over_target_share == pytest.approx(2 / 3) and gjj.service_mean == 10 * 60
    assert (gjj.rated, gjj.bad) == (3, 2) and gjj.satisfaction == pytest.approx(1 / 3)


def test_windows_and_staff_carry_the_waits_of_their_citizens():
    r = december()
    w1, w2 = r.windows["w1"], r.windows["w2"]
    assert (w1.tickets, w1.finished, w1.no_shows) == (3, 2, 1)
    assert mins(w1.waits) == [5, 10, 30] and w1.over_target_share == pytest.approx(1 / 3)
    assert (w2.tickets, w2.finished, w2.transfers, w2.bad) == (4, 3, 1, 2)
    assert w2.wait_mean == 20.5 * 60 and w2.wait_p90 == 35 * 60 and w2.over_target_share == 0.75
    assert set(r.staff) == {"zhang", "li"}  # wang opened w1 on the 15th and served nobody
    assert r.staff["zhang"].waits == w1.waits and r.staff["li"].bad == 2


def test_days_outside_the_month_do_not_count_and_days_are_buckets():
    r = december()
    assert r.days[0] == "2026-12-01" and r.days[-1] == "2026-12-31" and len(r.days) == 31
    rows = bucket_table(r, "日期 Day")
    assert [row[0] for row in rows[1:]] == ["2026-12-01", "2026-12-15", "2026-12-31"]
    assert rows[1][1:4] == [3, 2, round(43 / 3, 1)]  # tickets, served, wait mean 5 28 10


def test_the_bad_ratings_are_the_two_to_follow_up():
    bad = december().bad_ratings
    assert [(b.key, b.score, b.window, b.staff, b.service) for b in bad] == [
        ("2026-12-01/B001", 1, "w2", "li", "GJ"),
        ("2026-12-15/A001", 2, "w2", "li", "GJ"),
    ]


def test_the_table_rows_in_minutes_and_shares():
    rows = {(row[0], row[1]): row for row in table(december())}
    hall = rows[("全厅 Hall", "total")]
    assert hall[3:11] == [6, 5, 10.4, 18.1, 35.0, 0.571, 1, 1]
    assert hall[11:] == [1, 1, 1, 1, 1, 5, 0.6, 2]
    assert rows[("部门 Department", "gjj")][6:9] == [22.3, 35.0, 0.667]
    assert rows[("人员 Staff", "li")][18] == 2


def test_a_quarter_and_a_year_add_up_the_same_month():
    for kind, text, bucket in (("quarter", "2026-Q4", "2026-12-01"), ("year", "2026", "2026-12")):
        p = period.parse(kind, text)
        r = period_report(
            ((d, MONTH.get(d, [])) for d in p.days), p.label, targets=TARGETS, bucket=p.bucket()
        )
        assert r.total.tickets == 6 + 1  # 2026-11-30 is in the quarter and the year
        assert bucket in r.buckets


def test_periods_parse_and_refuse_clearly():
    assert period.parse("quarter", "2026-q4").days[0] == "2026-10-01"
    assert period.parse("quarter", "2026-Q4").days[-1] == "2026-12-31"
    assert len(period.parse("year", "2028").days) == 366
    assert period.parse("month", "2027-02").days[-1] == "2027-02-28"
    with pytest.raises(period.PeriodError, match="2026-12"):
        period.parse("month", "12/2026")
    with pytest.raises(period.PeriodError, match="not a real month"):
        period.parse("month", "2026-13")


def test_working_days_skip_weekends():
    assert add_working_days(date(2026, 12, 1), 5) == date(2026, 12, 8)  # Tue -> next Tue
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Fri -> Mon
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)  # Sat -> Mon


def test_working_days_follow_the_halls_calendar():
    """国庆 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day (调休)."""
    week = [f"2026-10-0{d}" for d in range(1, 8)]
    cal = Calendar(holidays=frozenset(week), makeup_days=frozenset({"2026-10-10"}))
    is_working = working_days(cal)
    assert add_working_days(date(2026, 9, 30), 1, is_working) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 9), 1, is_working) == date(2026, 10, 10)  # Sat
    assert add_working_days(date(2026, 9, 30), 5, is_working) == date(2026, 10, 13)  # 8 9 10 12 13
