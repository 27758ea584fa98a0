"""The SQLite event store: durable appends, replay, history kept, clear errors on bad files."""

import os
import sqlite3

import pytest
from fsfaults import fill, immutable, read_only, small_disk

from hallq.contract import to_builtins
from hallq.core.model import Event
from hallq.store import (
    CHECKPOINT_AT,
    WAL_LIMIT,
    CorruptDatabase,
    EventStore,
    ForeignDatabase,
    StoreGone,
    StoreUnwritable,
)
from hallq.store_health import StoreStatus, companions, diagnose


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


# ------------------------------------------------ a store that goes away or cannot be written
def _filled(path):
    s = EventStore(path).open()
    s.append([Event("ticket_issued", 1.0, {"ticket": "A001"})], "d", ("k", "c1", {"ok": True}))
    return s


@pytest.mark.parametrize("removed", [("",), ("", "-wal", "-shm"), ("-wal",)])
def test_a_deleted_store_is_noticed_on_the_next_append(tmp_path, removed):
    s = _filled(tmp_path / "q.db")
    for suffix in removed:
        os.unlink(f"{tmp_path / 'q.db'}{suffix}")
    with pytest.raises(StoreGone, match="store file is gone") as caught:
        s.append([Event("ticket_issued", 2.0, {"ticket": "A002"})], "d")
    assert caught.value.status is StoreStatus.MISSING
    assert "gone" in caught.value.reason
    assert s.health().status is StoreStatus.MISSING


def test_a_store_replaced_by_another_file_is_noticed(tmp_path):
    s = _filled(tmp_path / "q.db")
    other = _filled(tmp_path / "other.db")
    other.close()
    os.replace(tmp_path / "other.db", tmp_path / "q.db")
    with pytest.raises(StoreGone):
        s.append([Event("ticket_issued", 2.0, {"ticket": "A002"})], "d")


def test_an_immutable_store_is_refused_before_sqlite_touches_it(tmp_path):
    """chattr +i: SQLite's next write to the -shm mapping was a SIGBUS (this test process
    would die); the check refuses first and says why."""
    s = _filled(tmp_path / "q.db")
    with immutable(companions(tmp_path / "q.db")):
        with pytest.raises(StoreUnwritable, match="immutable") as caught:
            s.append([Event("ticket_issued", 2.0, {"ticket": "A002"})], "d")
        assert caught.value.status is StoreStatus.UNWRITABLE
        assert s.health().status is StoreStatus.UNWRITABLE
    s.append([Event("ticket_issued", 2.0, {"ticket": "A002"})], "d")  # writable again
    assert s.count() == 2 and s.health().status is StoreStatus.OK


def test_a_read_only_file_system_is_named_at_start_and_while_running(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    s = _filled(folder / "q.db")
    with read_only(folder):
        with pytest.raises(StoreUnwritable, match="read-only file system"):
            s.append([Event("ticket_issued", 2.0, {"ticket": "A002"})], "d")
        with pytest.raises(StoreUnwritable, match="read-only file system") as caught:
            EventStore(folder / "q.db").open()
        assert caught.value.status is StoreStatus.READ_ONLY
        assert "not a readable database" not in str(caught.value)


def test_a_full_disk_is_named_at_start_and_while_running(tmp_path):
    with small_disk(tmp_path / "disk", kb=4096) as disk:
        s = _filled(disk / "q.db")
        ballast = fill(disk)
        with pytest.raises(StoreUnwritable, match="disk full") as caught:
            big = [Event("ticket_issued", 2.0, {"pad": "x" * 2000}) for _ in range(64)]
            s.append(big, "d")
        assert caught.value.status is StoreStatus.DISK_FULL
        assert s.health().status is StoreStatus.DISK_FULL
        with pytest.raises(StoreUnwritable, match="disk full"):
            EventStore(disk / "new.db").open()
        ballast.unlink()
        assert s.health().status is StoreStatus.DISK_LOW  # 4 MB free: writable, but low
        s.append([Event("ticket_issued", 3.0, {"ticket": "A003"})], "d")
        assert s.count() == 2


def test_sqlite_codes_full_and_damaged_are_classified(tmp_path):
    for code, status in ((13, StoreStatus.DISK_FULL), (11, StoreStatus.CORRUPT), (26, None)):
        exc = sqlite3.DatabaseError("x")
        exc.sqlite_errorcode = code
        expected = status or StoreStatus.CORRUPT
        assert diagnose(tmp_path / "q.db", exc, opened=True) is expected
    plain = sqlite3.OperationalError("disk I/O error")
    plain.sqlite_errorcode = 10
    assert diagnose(tmp_path / "q.db", plain, opened=False) is None  # no cause to name
    assert diagnose(tmp_path / "q.db", plain, opened=True) is StoreStatus.MISSING


def test_low_free_space_is_a_warning_with_the_free_megabytes(tmp_path):
    s = EventStore(tmp_path / "q.db", low_disk_mb=10**9).open()
    health = s.health()
    assert health.status is StoreStatus.DISK_LOW and health.free_mb is not None
    assert f"{health.free_mb} MB free" in health.message
    assert to_builtins(health)["status"] == "disk_low"


def test_the_wal_stays_small_and_is_emptied_at_quiet_times(tmp_path):
    s = EventStore(tmp_path / "q.db").open()
    reader = sqlite3.connect(tmp_path / "q.db")  # the board reads now and then
    for i in range(600):
        s.append([Event("ticket_issued", float(i), {"pad": "x" * 3000})], "d")
        if i % 50 == 0:
            reader.execute("SELECT COUNT(*) FROM events").fetchone()
            s.keep_wal_small()  # the service's timer, every second
    # checkpointed past CHECKPOINT_AT and started again: never near SQLite's own 16 MB
    assert s.wal_bytes() <= CHECKPOINT_AT + 51 * 8 * 1024
    s.checkpoint(truncate=True)
    assert s.wal_bytes() == 0
    assert s.count() == 600
    reader.close()


def test_the_wal_checkpoint_runs_beside_an_open_write_and_not_inside_commits(tmp_path):
    s = EventStore(tmp_path / "q.db").open()
    for i in range(400):  # ~1.6 MB of WAL: SQLite's own checkpoint (16 MB) has not run
        s.append([Event("ticket_issued", float(i), {"pad": "x" * 3000})], "d")
    assert s.wal_bytes() > CHECKPOINT_AT
    s.db.execute("BEGIN IMMEDIATE")  # the writer is in a transaction (mid-batch)
    s.db.execute("INSERT INTO events(day, at, kind, data) VALUES ('d', 0, 'x', '{}')")
    assert s.keep_wal_small() is True  # neither waits for it nor fails
    s.db.execute("COMMIT")
    s.keep_wal_small()  # the next tick: the frames committed meanwhile too
    size = s.wal_bytes()
    s.append([Event("ticket_issued", 1.0, {})], "d")  # the WAL starts again from the top ...
    assert s.wal_bytes() == min(size, WAL_LIMIT)  # ... in the file's own blocks: no growth
    assert s.count() == 402
    s.checkpoint(truncate=True)  # a quiet minute empties it
    assert s.keep_wal_small() is False  # nothing to do below CHECKPOINT_AT


def test_opening_does_not_read_the_whole_file_and_damage_is_found_in_the_background(tmp_path):
    """Restart time must not grow with history: open() checks the header only; verify()
    (run by the service in a background thread) finds damage and health() then says so."""
    path = tmp_path / "q.db"
    s = EventStore(path).open()
    s.append([Event("ticket_issued", 1.0, {"ticket": f"A{i:03d}"}) for i in range(3000)], "d")
    s.close()
    size = path.stat().st_size
    with path.open("r+b") as f:  # damage a page in the middle of the events table
        f.seek(size // 2)
        f.write(b"\xff" * 4096)
    opened = EventStore(path).open()  # no whole-file check on the critical path
    try:
        assert opened.verify() is not None
        health = opened.health()
        assert health.status is StoreStatus.CORRUPT and "damaged" in health.message
    finally:
        opened.close()


def test_the_start_up_queries_use_the_kind_index(tmp_path):
    s = EventStore(tmp_path / "q.db").open()
    plans = [
        " ".join(str(r[-1]) for r in s.db.execute("EXPLAIN QUERY PLAN " + sql, args))
        for sql, args in [
            ("SELECT MAX(seq) FROM events WHERE kind = 'day_started'", ()),
            ("SELECT seq FROM events WHERE seq < 5 AND kind IN ('a', 'b') ORDER BY seq", ()),
        ]
    ]
    s.close()
    assert all("events_kind" in plan for plan in plans), plans
