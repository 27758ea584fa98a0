"""The SQLite event store: durable appends, replay, history kept, clear errors on bad files."""

import sqlite3

import pytest

from broker.store import CorruptDatabase, EventStore, ForeignDatabase
from hallq.core.model import Event


def test_append_and_read_back(tmp_path):
    s = EventStore(tmp_path / "q.db").open()
    s.append([Event("day_started", 1.0, {"day": "2026-11-27", "previous": ""})], "")
    s.append(
        [Event("ticket_issued", 2.0, {"ticket": "A001"})],
        "2026-11-27",
        ("kiosk1", "c1", {"id": "c1", "ok": True}),
        at=2.0,
    )
    assert [e.kind for e in s.events()] == ["day_started", "ticket_issued"]
    assert s.reply_for("kiosk1", "c1") == {"id": "c1", "ok": True}
    assert s.reply_for("kiosk2", "c1") is None
    s.close()
    again = EventStore(tmp_path / "q.db").open()
    assert again.count() == 2
    assert [e.kind for e in again.events(day="2026-11-27")] == ["day_started", "ticket_issued"]
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_replay_starts_at_the_last_day_but_keeps_settings_and_history(tmp_path):
    s = EventStore(tmp_path / "q.db").open()
    s.append([Event("day_started", 1.0, {"day": "d1", "previous": ""})], "")
    s.append(
        [
            Event("window_services_set", 2.0, {"window": "w1", "services": {}}),
            Event("ticket_issued", 3.0, {"ticket": "A001"}),
        ],
        "d1",
    )
    s.append([Event("day_started", 4.0, {"day": "d2", "previous": "d1"})], "d1")
    s.append([Event("ticket_issued", 5.0, {"ticket": "A001"})], "d2")
    kinds = [(e.kind, e.at) for e in s.replay_events()]
    assert kinds == [("window_services_set", 2.0), ("day_started", 4.0), ("ticket_issued", 5.0)]
    assert [e.at for e in s.events(day="d1")] == [1.0, 2.0, 3.0]  # yesterday is still there


def test_a_foreign_sqlite_file_is_refused_by_name(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE accounts(x)")
    con.commit()
    con.close()
    with pytest.raises(ForeignDatabase, match="another program"):
        EventStore(other).open()


def test_a_corrupt_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CorruptDatabase, match="not a readable database"):
        EventStore(bad).open()


def test_a_failed_write_changes_nothing(tmp_path):
    s = EventStore(tmp_path / "q.db").open()
    s.append([Event("ticket_issued", 1.0, {"ticket": "A001"})], "d")

    class Unserialisable:
        pass

    with pytest.raises(TypeError):
        s.append(
            [
                Event("ticket_issued", 2.0, {"ticket": "A002"}),
                Event("ticket_issued", 3.0, {"bad": Unserialisable()}),
            ],
            "d",
        )
    assert s.count() == 1
