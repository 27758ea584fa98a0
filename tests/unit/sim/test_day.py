"""The simulated day: drains, is reproducible, follows the load, and the CLI prints it."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

import msgspec
import pytest

from hallq.config import load_config
from hallq.core.model import Calendar, Layout, TicketState
from sim.cli import main, progress_bar
from sim.day import opening_days
from sim.load import DayLoad, LoadError, check, load_load
from sim.runner import pooled_layout, simulate

HALL = Path(__file__).parent / "hall.toml"
EXAMPLES = Path(__file__).parents[3] / "examples"

LOAD = """
date = "2026-11-30"
tickets = 120
profile = { "08:30" = 2.0, "12:00" = 0.5, "13:30" = 1.0 }
departments = { rs = 1.0, bdc = 1.0 }
priority = { elderly = 0.1 }
no_show = 0.1
transfer = 0.05
lunch = { start = "12:00", minutes = 30 }
"""


@pytest.fixture
def layout() -> Layout:
    return load_config(HALL).layout()


@pytest.fixture
def day_load(tmp_path: Path, layout: Layout) -> DayLoad:
    path = tmp_path / "load.toml"
    path.write_text(LOAD, encoding="utf-8")
    return load_load(path, layout)


def test_every_ticket_is_called_and_the_hall_ends_closed(layout: Layout, day_load: DayLoad) -> None:
    (day,) = simulate(layout, day_load, seed=3)
    assert len(day.records) > 50
    assert all(r.wait_s is not None and r.wait_s >= 0 for r in day.records)
    assert all(day.open_at <= r.issued_at < day.close_at for r in day.records)
    assert all(0 <= w.busy_s <= w.staffed_s for w in day.windows.values())


def test_same_seed_same_day_other_seed_other_day(layout: Layout, day_load: DayLoad) -> None:
    def waits(seed: int) -> list[float | None]:
        return [r.wait_s for r in simulate(layout, day_load, seed=seed)[0].records]

    assert waits(5) == waits(5)
    assert waits(5) != waits(6)


def test_days_follow_opening_weekdays_on_one_engine(layout: Layout, day_load: DayLoad) -> None:
    days = simulate(layout, day_load, days=3, seed=1)
    assert [d.day for d in days] == ["2026-11-30", "2026-12-01", "2026-12-02"]


def test_pooled_layout_lets_every_window_serve_everything(layout: Layout) -> None:
    pooled = pooled_layout(layout)
    assert all(set(w.services) == set(layout.services) for w in pooled.windows.values())


def test_load_that_does_not_fit_the_hall_is_refused(layout: Layout, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(LOAD.replace("rs = 1.0", "nosuch = 1.0"), encoding="utf-8")
    with pytest.raises(LoadError, match="nosuch"):
        load_load(path, layout)


def test_example_load_fits_the_example_hall() -> None:
    layout = load_config(EXAMPLES / "hall.toml").layout()
    assert check(load_load(EXAMPLES / "load.toml", layout), layout) == []


def test_cli_prints_the_table_and_writes_the_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    path = tmp_path / "load.toml"
    path.write_text(LOAD, encoding="utf-8")
    code = main(["--config", str(HALL), "--load", str(path), "--out", str(out)])
    text = capsys.readouterr()
    assert code == 0
    assert "overall" in text.out and "rs01" in text.out and "estimate: MAE" in text.out
    assert "day 1/1 done" in text.err  # stderr is not a terminal here
    assert (out / "waits.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_names_a_bad_load_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(HALL), "--load", str(tmp_path / "none.toml")])
    assert code == 2
    assert "none.toml" in capsys.readouterr().err


def test_engine_states_match_the_records(layout: Layout, day_load: DayLoad) -> None:
    from hallq.core.engine import Engine
    from sim.day import DaySim

    engine = Engine(layout)
    day = DaySim(engine, day_load, day_load.start_date(), __import__("random").Random(2)).run()
    done = {TicketState.DONE, TicketState.NO_SHOW}
    assert all(engine.tickets[r.number].state in done for r in day.records)


def with_calendar(layout: Layout, **kw: object) -> Layout:
    return dataclasses.replace(layout, calendar=Calendar(**kw))  # type: ignore[arg-type]


def test_the_simulated_month_follows_the_calendar(layout: Layout, day_load: DayLoad) -> None:
    national = with_calendar(
        layout,
        day_hours={5: (9 * 60, 12 * 60)},
        holidays=frozenset(f"2026-10-0{d}" for d in range(1, 8)),
        makeup_days=frozenset({"2026-10-11"}),  # a Sunday
    )
    days = opening_days(national, date(2026, 9, 29))
    assert [next(days).isoformat() for _ in range(4)] == [
        "2026-09-29",
        "2026-09-30",
        "2026-10-08",
        "2026-10-09",
    ]
    saturday, sunday = next(days), next(days)
    assert (saturday.isoformat(), sunday.isoformat()) == ("2026-10-10", "2026-10-11")
    results = simulate(national, msgspec_replace(day_load, date="2026-10-10"), days=2, seed=3)
    short, full = results
    assert (short.close_at - short.open_at, full.close_at - full.open_at) == (3 * 3600, 9 * 3600)
    assert all(r.issued_at < short.close_at for r in short.records)


def test_the_simulator_refuses_tickets_past_a_services_hours(
    layout: Layout, day_load: DayLoad
) -> None:
    early = with_calendar(layout, service_hours={"bdc01": (0, 16 * 60 + 30)})
    (day,) = simulate(early, day_load, seed=3)
    (plain,) = simulate(layout, day_load, seed=3)
    late = [r for r in plain.records if r.service == "bdc01" and r.issued_at >= day.close_at - 3600]
    assert late and day.refused >= len(late) > plain.refused
    cut = day.close_at - 3600  # 16:30
    assert not [r for r in day.records if r.service == "bdc01" and r.issued_at >= cut]


def msgspec_replace(load: DayLoad, **kw: object) -> DayLoad:
    return msgspec.structs.replace(load, **kw)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_only_on_a_terminal() -> None:
    piped, tty = io.StringIO(), Tty()
    for day in range(1, 31):
        progress_bar(day, 30, piped)
        progress_bar(day, 30, tty)
    lines = piped.getvalue().splitlines()
    assert "\r" not in piped.getvalue() and len(lines) == 30  # one plain line per day
    assert lines[-1] == "模拟 simulating: day 30/30 done"
    assert tty.getvalue().count("\r") == 30 and tty.getvalue().count("\n") == 1


def test_a_load_with_matters_carries_cases_through_every_stage() -> None:
    import msgspec

    from hallq.core.model import MatterMode

    root = Path(__file__).resolve().parents[3] / "examples"
    lay = load_config(root / "hall.toml").layout()
    base = load_load(root / "load.toml", lay)
    load = msgspec.structs.replace(base, tickets=600, matters={"birth": 0.1, "company": 0.1})
    (day,) = simulate(lay, load, seed=3)
    cases = [r for r in day.records if r.matter is not None]
    done = [r for r in cases if r.done_at is not None]
    assert len(cases) > 60 and len(done) > len(cases) / 2
    assert all(r.done_at > r.issued_at for r in done)
    bad = msgspec.structs.replace(load, matters={"nope": 0.5, "birth": 0.6})
    assert check(bad, lay) == ["matters: no matter 'nope'", "matters: shares add up to more than 1"]
    assert lay.matters["veteran"].mode is MatterMode.ONE_WINDOW


@pytest.mark.parametrize(("policy", "taker"), [("default", "primary"), ("fcfs_alis", "longest")])
def test_a_new_ticket_goes_to_the_primary_idle_window_or_under_alis_the_longest_idle(
    layout: Layout, day_load: DayLoad, policy: str, taker: str
) -> None:
    import datetime as dt
    import random

    from hallq.core.engine import Engine
    from sim.day import DaySim, WindowTime

    code = next(c for c, w in _secondary_pairs(layout))
    primary, secondary = _able(layout, code)
    sim = DaySim(Engine(layout, policy), day_load, dt.date(2026, 11, 30), random.Random(1))
    sim.engine.apply_all(sim.engine.tick(sim.open_at - 60))
    sim.result.windows = {w: WindowTime() for w in layout.windows}
    for wid in (secondary, primary):  # the secondary window has been idle longer
        sim.do("open", sim.open_at, window=wid, staff="s")
        sim.idle[wid] = None
    sim._arrive(sim.open_at + 1, code)
    called = sim.engine.windows[primary if taker == "primary" else secondary].ticket
    assert called is not None


def _secondary_pairs(layout: Layout) -> list[tuple[str, str]]:
    from hallq.core.model import Tier

    return [(c, w.id) for w in layout.windows.values() for c, t in w.services.items()
            if t is Tier.SECONDARY]  # fmt: skip


def _able(layout: Layout, code: str) -> tuple[str, str]:
    from hallq.core.model import Tier

    tiers = {w.id: w.services.get(code) for w in layout.windows.values()}
    primary = next(w for w, t in tiers.items() if t is Tier.PRIMARY)
    secondary = next(w for w, t in tiers.items() if t is Tier.SECONDARY)
    return primary, secondary
