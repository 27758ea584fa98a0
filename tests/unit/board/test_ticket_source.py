"""The ticket pages' engine: rebuilt from the broker's store read-only, kept for 2 s."""

import hashlib

import pytest
from halls import write_test_hall

from board.history import HistoryError, read_events, read_replay, store_path
from board.ticket_page import render
from board.ticket_routes import _code
from board.ticket_source import TicketSource
from hallq.config import load_config
from hallq.core.engine import Engine
from hallq.store import EventStore

NOW = 1_800_000_000.0


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def recorded_hall(tmp_path):
    cfg = load_config(write_test_hall(tmp_path))
    engine, store = Engine(cfg.layout()), EventStore(store_path(cfg)).open()
    for op, args in [("open", {"window": "w1"}), ("issue", {"service": "rs01"})]:
        store.append(engine.run(op, NOW, **args), engine.day)
    return cfg, store


def test_one_replay_per_two_seconds_and_the_store_untouched(tmp_path):
    cfg, store = recorded_hall(tmp_path)
    clock = Clock()
    source = TicketSource(cfg.layout(), store.path, monotonic=clock)
    assert source.status("A001", NOW + 1)["state"] == "waiting"
    engine = Engine(cfg.layout())
    engine.apply_all(store.replay_events())
    store.append(engine.run("call_next", NOW + 2, window="w1"), engine.day)
    clock.t = 1.9
    assert source.status("a001", NOW + 3)["state"] == "waiting"  # still the cached replay
    assert source.replays == 1
    clock.t = 2.0
    assert source.status("A001", NOW + 4)["state"] == "called"
    assert source.replays == 2
    store.close()
    before = hashlib.sha256(store.path.read_bytes()).hexdigest()
    clock.t = 10
    assert source.status("A001", NOW + 5)["state"] == "called"
    assert hashlib.sha256(store.path.read_bytes()).hexdigest() == before  # reading wrote nothing


def test_malformed_numbers_are_none_and_an_unreadable_store_is_unavailable(tmp_path):
    """A board that cannot read the store must not tell a citizen their ticket does not
    exist: the page says the status is unavailable (503) until the store reads again."""
    cfg, store = recorded_hall(tmp_path)
    clock = Clock()
    source = TicketSource(cfg.layout(), tmp_path / "no-such.db", monotonic=clock)
    assert source.status("Z001", NOW) is None
    unavailable = source.status("a001", NOW)
    assert unavailable == {"ticket": "A001", "state": "unavailable"}
    assert _code(unavailable) == 503 and _code(source.status("Z001", NOW)) == 404
    page = render(unavailable, lang="zh", hall="大厅", time="09:00:00")
    assert 'data-state="unavailable"' in page and "暂时无法查询" in page
    assert "今天没有这个号码" not in page
    assert "cannot be read" in render(unavailable, lang="en", hall="Hall", time="09:00:00")
    source.store, clock.t = store.path, 2.0  # readable again: the next rebuild answers
    assert source.status("A001", NOW + 1)["state"] == "waiting"
    assert source.status("A999", NOW + 1) == {"ticket": "A999", "state": "unknown"}


def test_the_board_reads_what_the_broker_replays_and_names_a_missing_store(tmp_path):
    cfg, store = recorded_hall(tmp_path)
    engine = Engine(cfg.layout())
    engine.apply_all(store.replay_events())
    for op, args in [("open", {"window": "w1"}), ("issue", {"service": "rs01"})]:
        store.append(engine.run(op, NOW + 86_400, **args), engine.day)  # the next day
    replay = read_replay(store.path)
    assert replay == list(store.replay_events()) and len(replay) < store.count()  # day 1 left out
    assert read_events(store.path, engine.day) == list(store.events(day=engine.day))
    for path, message in [(None, "no broker device"), (tmp_path / "x.db", "no event store")]:
        with pytest.raises(HistoryError, match=message):
            read_replay(path)


def test_a_store_row_the_engine_cannot_apply_is_skipped_not_a_500(tmp_path):
    """Defect 1 of the hardening issue left a call of a never-issued ticket in stores; the
    ticket pages answered 500 on it. The row is skipped and every other ticket still shows."""
    from hallq.core.model import Event

    cfg, store = recorded_hall(tmp_path)
    store.append([Event("ticket_called", NOW + 1, {"ticket": "A999", "window": "w1"})], "x")
    source = TicketSource(cfg.layout(), store.path, monotonic=Clock())
    assert source.status("A001", NOW + 2)["state"] == "waiting"
    store.close()
