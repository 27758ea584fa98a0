"""Region reports: the record keeps each bridged event once (QoS 1 redeliveries ignored), and
the figures per hall follow the definitions in region/reports.py."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from hallq import contract as c
from region.record import HallRecord, event_row
from region.reports import PeriodError, as_json, figures, period_days, to_csv, to_xlsx

DAY = "2026-07-01"


def wire(payload: c.Payload) -> bytes:
    import msgspec

    return msgspec.json.encode(payload)


def issued(ticket: str, at: float, day: str = DAY) -> bytes:
    return wire(c.IssuedEvent(ticket=ticket, service="rs01", day=day, at=at))


def called(ticket: str, at: float, wait_s: int, *, recall: bool = False) -> bytes:
    return wire(
        c.CalledEvent(
            ticket=ticket,
            window="w1",
            service="rs01",
            at=at,
            recall=recall,
            wait_s=None if recall else wait_s,
            target_wait_s=600,
            day=DAY,
        )
    )


@pytest.fixture
def record(tmp_path):
    r = HallRecord(tmp_path / "region.db")
    r.open()
    try:
        yield r
    finally:
        r.close()


def keep(record: HallRecord, hall: str, kind: str, payload: bytes) -> bool:
    row = event_row(hall, kind, payload)
    return row is not None and record.add(row)


def test_a_redelivered_event_is_kept_once_and_counted_as_a_duplicate(record):
    assert keep(record, "t01", "issued", issued("A001", 100.0))
    assert not keep(record, "t01", "issued", issued("A001", 100.0))  # the QoS 1 repeat
    assert keep(record, "t01", "issued", issued("A001", 90_000.0, "2026-07-02"))  # next day's
    assert keep(record, "t02", "issued", issued("A001", 100.0))  # another hall's A001
    assert record.duplicates == 1
    assert record.count("t01", "issued", DAY) == 1


def test_a_recall_is_not_a_second_wait(record):
    assert keep(record, "t01", "called", called("A001", 200.0, 100))
    assert not keep(record, "t01", "called", called("A001", 260.0, 0, recall=True))
    assert record.count("t01", "called", DAY) == 1


def test_figures_per_hall_side_by_side(record):
    for i, wait in enumerate((60, 120, 900, 1200), 1):  # two of four over the 600 s target
        keep(record, "t01", "issued", issued(f"A00{i}", i))
        keep(record, "t01", "called", called(f"A00{i}", 100 + i, wait))
    finish = c.FinishedEvent(ticket="A001", window="w1", outcome="no_show", at=300, day=DAY)
    keep(record, "t01", "finished", wire(finish))
    done = c.FinishedEvent(ticket="A002", window="w1", at=310, day=DAY)
    keep(record, "t01", "finished", wire(done))
    for t, score in (("A002", 5), ("A003", 2)):
        rated = c.RatedEvent(ticket=t, window="w1", score=score, at=320, day=DAY)
        keep(record, "t01", "rated", wire(rated))
    record.hall_day("t01", c.HallState(hall="t01", day=DAY, issued=4, ratings={"5": 1, "2": 1}))
    record.hall_day("t02", c.HallState(hall="t02", day=DAY, issued=3))  # none of it received

    halls = {"t01", "t02", "t03"}
    figs = figures(
        [("t01", "一"), ("t02", "二"), ("t03", "三")],
        record.events(DAY, DAY, halls),
        record.totals(DAY, DAY, halls),
    )
    t01, t02, t03 = (as_json(f) for f in figs)
    assert t01["tickets"] == 4 and t01["wait_mean_min"] == round(570 / 60, 1)
    assert t01["wait_p90_min"] == 20.0  # nearest rank: the 4th of 4
    assert t01["over_target_pct"] == 50.0
    assert t01["no_shows"] == 1 and t01["no_show_pct"] == 50.0
    assert t01["rating_mean"] == 3.5 and t01["satisfaction_pct"] == 50.0
    assert t01["complete"] is True
    assert t02["tickets"] == 0 and t02["complete"] is False  # the hall counted 3
    assert t03["tickets"] == 0 and t03["complete"] is True and t03["wait_p90_min"] is None


def test_a_month_covers_its_days_only(record):
    keep(record, "t01", "issued", issued("A001", 1.0, "2026-06-30"))
    keep(record, "t01", "issued", issued("A001", 2.0, "2026-07-01"))
    keep(record, "t01", "issued", issued("A002", 3.0, "2026-07-31"))
    keep(record, "t01", "issued", issued("A001", 4.0, "2026-08-01"))
    first, last = period_days("2026-07")
    assert (first, last) == ("2026-07-01", "2026-07-31")
    (fig,) = figures([("t01", "一")], record.events(first, last, {"t01"}), {})
    assert fig.tickets == 2


@pytest.mark.parametrize("bad", ["", "2026-13", "2026-02-30", "July", "2026/07/01"])
def test_a_bad_period_is_refused(bad):
    with pytest.raises(PeriodError):
        period_days(bad)


def test_csv_and_xlsx_have_every_hall_and_keep_formula_like_names_as_text():
    figs = figures([("t01", "=cmd()"), ("t02", "二")], [("t01", "issued", DAY, *[None] * 4)], {})
    rows = list(csv.reader(io.StringIO(to_csv(figs, "报表", DAY).decode("utf-8-sig"))))
    assert rows[0] == ["报表", DAY] and rows[2][0] == "'=cmd() (t01)" and rows[2][1] == "1"
    assert rows[3][0] == "二 (t02)"
    ws = load_workbook(io.BytesIO(to_xlsx(figs, "报表", DAY))).active
    assert ws["A3"].data_type == "s" and ws["A3"].value == "=cmd() (t01)"
    assert ws["B3"].value == 1 and ws["A4"].value == "二 (t02)"
