"""The day report on a recorded day (data/day-2026-11-23.jsonl, recorded from the real engine).

The day, in hall time (Asia/Shanghai), with the answers worked out by hand:
  09:00 w1 opens (zhang), w2 opens (li)          | SB = 社保 (A...), GJ = 公积金 (B...)
  09:01 A001 SB, 09:02 A002 SB, 09:05 B001 GJ    | w2 serves GJ primary, SB secondary
  09:10 w1 calls A001 (waited 9 min), 09:11 starts, 09:20 finishes (9 min), 09:21 rated 5
  09:12 w2 calls B001 (waited 7 min), 09:25 no-show
  09:26 w2 calls A002 (waited 24 min), 09:30 transfers it SB -> GJ (queues again in GJ)
  10:05 A003 SB; 10:06 w2 calls A002 (waited 36 min in GJ), 10:07 start, 10:17 finish (10 min),
        10:18 rated 2
  10:20 w1 calls A003 (waited 15 min), never starts, 10:32 finishes (12 min from call), rated 3
  10:40 w1 closes, 10:41 opens with wang (who serves nobody)
  10:45 B002 GJ, 10:46 w2 calls it (1 min), 10:50 finishes (4 min from call)
  10:50 A004 SB, 10:55 cancelled
"""

import json
from pathlib import Path

from board.stats import day_report
from hallq.core.model import Event

DAY = Path(__file__).parent / "data" / "day-2026-11-23.jsonl"


def recorded() -> list[Event]:
    lines = DAY.read_text(encoding="utf-8").splitlines()
    return [Event(o["kind"], o["at"], o["data"]) for o in map(json.loads, lines)]


def test_services_figures_match_the_hand_count():
    r = day_report(recorded(), "2026-11-23")
    sb, gj = r.services["SB"], r.services["GJ"]
    assert sb.tickets == 4
    assert sorted(sb.waits) == [540, 900, 1440]
    assert (sb.wait_p50, sb.wait_p90, sb.wait_max) == (900, 1440, 1440)
    assert sb.service_mean == 630  # (540 + 720) / 2
    assert (sb.finished, sb.no_shows, sb.no_show_rate) == (2, 0, 0.0)
    assert sb.transfers == 1
    assert sb.ratings == [0, 0, 1, 0, 1] and sb.satisfaction == 1.0
    assert sb.arrivals == {9: 2, 10: 2}
    assert gj.tickets == 2
    assert (gj.wait_p50, gj.wait_p90, gj.wait_max) == (420, 2160, 2160)
    assert gj.service_mean == 420  # (600 + 240) / 2
    assert gj.no_show_rate == 1 / 3
    assert gj.transfers == 0
    assert gj.ratings == [0, 1, 0, 0, 0] and gj.satisfaction == 0.0
    assert gj.arrivals == {9: 1, 10: 1}


def test_windows_and_staff_figures_match_the_hand_count():
    r = day_report(recorded(), "2026-11-23")
    w1, w2 = r.windows["w1"], r.windows["w2"]
    assert (w1.tickets, w1.finished, w1.no_shows, w1.transfers) == (2, 2, 0, 0)
    assert w1.service_times == [540, 720]
    assert w1.ratings == [0, 0, 1, 0, 1]
    assert (w2.tickets, w2.finished, w2.no_shows, w2.transfers) == (4, 2, 1, 1)
    assert w2.service_times == [600, 240]
    assert w2.satisfaction == 0.0
    assert set(r.staff) == {"zhang", "li"}  # wang opened w1 but served nobody
    assert r.staff["zhang"].tickets == 2 and r.staff["li"].tickets == 4
    assert r.staff["li"].no_show_rate == 1 / 3


def test_hall_total_and_hourly_match_the_hand_count():
    r = day_report(recorded(), "2026-11-23")
    t = r.total
    assert t.tickets == 6
    assert (t.wait_p50, t.wait_p90, t.wait_max) == (540, 2160, 2160)
    assert (t.finished, t.no_shows, t.no_show_rate) == (4, 1, 0.2)
    assert t.ratings == [0, 1, 1, 0, 1] and t.satisfaction == 2 / 3
    assert t.arrivals == {9: 3, 10: 3}
    assert r.hourly_waits == {9: [540, 420, 1440], 10: [2160, 900, 60]}
    assert r.hours() == [9, 10]


def test_an_empty_day_has_no_figures():
    r = day_report([], "2026-11-24")
    assert r.total.tickets == 0 and r.total.wait_p50 is None and r.total.satisfaction is None
    assert r.hours() == []


def test_opening_hours_widen_the_hourly_range():
    r = day_report(recorded(), "2026-11-23")
    r.span = (8, 17)
    assert r.hours() == list(range(8, 18))
