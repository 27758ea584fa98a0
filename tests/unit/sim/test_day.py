"""The simulated day: drains, is reproducible, follows the load, and the CLI prints it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallq.config import load_config
from hallq.core.model import Layout, TicketState
from sim.cli import main
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
    assert "1/1 days" in text.err
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
