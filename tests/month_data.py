"""A small synthetic month (December 2026) whose answers were worked out by hand.

Hall: tests/data/month-hall.toml. SB 社保 (dept rs, target 10 min), GJ 公积金 (dept gjj,
target 20 min); w1 (rs), w2 (gjj). Times are hall time (Asia/Shanghai); waits in minutes.

2026-12-01 (Tue)  09:00 w1 opens (zhang), w2 opens (li)
  A001 SB 09:00, w1 calls 09:05 (wait 5), starts 09:06, finishes 09:16 (10), rated 5
  B001 GJ 09:02, w2 calls 09:30 (wait 28, over 20), starts 09:31, finishes 09:39 (8), rated 1
  A002 SB 09:10, w1 calls 09:20 (wait 10, not over), no-show 09:25
2026-12-15 (Tue)  09:00 w1 opens (wang, who serves nobody), w2 opens (li)
  A001 SB 09:00, w2 calls 09:15 (wait 15, over 10), starts 09:15, transfers to GJ 09:21;
       w2 calls it 09:25 (wait 4 in GJ), starts 09:25, finishes 09:37 (12), rated 2
  B001 GJ 09:05, w2 calls 09:40 (wait 35, over), never starts, finishes 09:50 (10), rated 4
2026-12-31 (Thu)  09:00 w1 opens (zhang)
  A001 SB 09:00, w1 calls 09:30 (wait 30, over), starts 09:30, finishes 09:42 (12), rated 3

Answers (month): tickets 6; waits 5 28 10 15 4 35 30 -> mean 127/7 = 18.1, p90 35, over
target 4/7 = 0.571; served 5; service 10 8 12 10 12 -> mean 10.4; no-shows 1; transfers 1;
ratings one of each level, satisfaction 0.6, 差评 2 (12-01 B001 score 1 and 12-15 A001
score 2, both at w2 by li; due 5 working days later: 2026-12-08 and 2026-12-22).
  rs: tickets 4, waits 5 10 15 30 (mean 15.0, p90 30, over 0.5), served 2 (mean 11.0),
      no-shows 1, transfers 1, rated 2, 差评 0
  gjj: tickets 2, waits 28 4 35 (mean 22.3, p90 35, over 0.667), served 3 (mean 10.0),
      rated 3, 差评 2, satisfaction 1/3
  w1 = zhang: called 3, waits 5 10 30 (mean 15.0, p90 30, over 1/3), served 2, no-shows 1
  w2 = li: called 4, waits 28 15 4 35 (mean 20.5, p90 35, over 0.75), served 3, transfers 1,
      差评 2; wang: no row.
Outside the month: a ticket on 2026-11-30 and on 2027-01-01 (must not count).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hallq.core.model import Event

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hhmm: str) -> float:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=TZ).timestamp()


def _day(day: str, steps: list[tuple[str, str, dict[str, object]]]) -> list[Event]:
    seq = {"A": 0, "B": 0}
    out = []
    for hhmm, kind, given in steps:
        data = dict(given)
        if kind == "ticket_issued":
            prefix = str(data["ticket"])[0]
            seq[prefix] += 1
            data |= {"seq": seq[prefix], "day": day, "state": "waiting"}
        out.append(Event(kind, at(day, hhmm), data))
    out.sort(key=lambda e: e.at)  # stable: same-minute steps keep their order
    return out


def _issue(t: str, s: str) -> tuple[str, dict[str, object]]:
    return "ticket_issued", {"ticket": t, "service": s, "priority": None}


def _rate(t: str, w: str, score: int) -> tuple[str, dict[str, object]]:
    return "ticket_rated", {"ticket": t, "score": score, "window": w, "source": "eval2"}


def _on(t: str, w: str) -> dict[str, object]:
    return {"ticket": t, "window": w}


MONTH: dict[str, list[Event]] = {
    "2026-11-30": _day(
        "2026-11-30",
        [
            ("09:00", "window_opened", {"window": "w1", "staff": "zhang"}),
            ("09:00", *_issue("A001", "SB")),
            ("09:01", "ticket_called", _on("A001", "w1")),
            ("09:02", "ticket_finished", _on("A001", "w1")),
            ("09:03", *_rate("A001", "w1", 1)),
        ],
    ),
    "2026-12-01": _day(
        "2026-12-01",
        [
            ("09:00", "window_opened", {"window": "w1", "staff": "zhang"}),
            ("09:00", "window_opened", {"window": "w2", "staff": "li"}),
            ("09:00", *_issue("A001", "SB")),
            ("09:02", *_issue("B001", "GJ")),
            ("09:05", "ticket_called", _on("A001", "w1")),
            ("09:06", "ticket_started", _on("A001", "w1")),
            ("09:10", *_issue("A002", "SB")),
            ("09:16", "ticket_finished", _on("A001", "w1")),
            ("09:17", *_rate("A001", "w1", 5)),
            ("09:20", "ticket_called", _on("A002", "w1")),
            ("09:25", "ticket_no_show", _on("A002", "w1")),
            ("09:30", "ticket_called", _on("B001", "w2")),
            ("09:31", "ticket_started", _on("B001", "w2")),
            ("09:39", "ticket_finished", _on("B001", "w2")),
            ("09:40", *_rate("B001", "w2", 1)),
        ],
    ),
    "2026-12-15": _day(
        "2026-12-15",
        [
            ("09:00", "window_opened", {"window": "w1", "staff": "wang"}),
            ("09:00", "window_opened", {"window": "w2", "staff": "li"}),
            ("09:00", *_issue("A001", "SB")),
            ("09:05", *_issue("B001", "GJ")),
            ("09:15", "ticket_called", _on("A001", "w2")),
            ("09:15", "ticket_started", _on("A001", "w2")),
            (
                "09:21",
                "ticket_transferred",
                {"ticket": "A001", "window": "w2", "from": "SB", "to": "GJ"},
            ),
            ("09:25", "ticket_called", _on("A001", "w2")),
            ("09:25", "ticket_started", _on("A001", "w2")),
            ("09:37", "ticket_finished", _on("A001", "w2")),
            ("09:38", *_rate("A001", "w2", 2)),
            ("09:40", "ticket_called", _on("B001", "w2")),
            ("09:50", "ticket_finished", _on("B001", "w2")),
            ("09:51", *_rate("B001", "w2", 4)),
        ],
    ),
    "2026-12-31": _day(
        "2026-12-31",
        [
            ("09:00", "window_opened", {"window": "w1", "staff": "zhang"}),
            ("09:00", *_issue("A001", "SB")),
            ("09:30", "ticket_called", _on("A001", "w1")),
            ("09:30", "ticket_started", _on("A001", "w1")),
            ("09:42", "ticket_finished", _on("A001", "w1")),
            ("09:43", *_rate("A001", "w1", 3)),
        ],
    ),
    "2027-01-01": _day(
        "2027-01-01",
        [
            ("09:00", "window_opened", {"window": "w1", "staff": "zhang"}),
            ("09:00", *_issue("A001", "SB")),
            ("09:50", "ticket_called", _on("A001", "w1")),
        ],
    ),
}
