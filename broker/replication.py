"""Primary -> standby: committed store rows shipped over MQTT, and the standby's acks.

The primary's :class:`Shipper` publishes every committed row (events by ``seq``, stored
replies by ``rowid``) on ``repl/batch`` after each commit, in chunks, and, in sync mode, waits
until the standby acknowledges that it holds them on its disk before the service publishes
state and replies: an acknowledged ticket then exists on two machines. A standby that does not
ack within ``sync_timeout_s`` is marked out of sync and replies stop waiting for it (the hall
keeps serving; presence says so and the board alarms) until it has caught up again.

The standby's :class:`Follower` writes each batch into its own store with the same ``seq`` in
one transaction, applies the events to its engine (warm), and acks. A batch that does not
follow its cursors (it joined late, missed one) makes it ask for the rows after its cursors
(``repl/need``); the primary answers with a catch-up addressed to it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from hallq import contract as c
from hallq.core.model import Event
from hallq.protocol import Topics

from . import store_meta

log = logging.getLogger(__name__)
CHUNK_ROWS = 200  # rows of each kind per batch: well under Mosquitto's 256 KB message limit
SYNC_TIMEOUT_S = 2.0
NEED_EVERY_S = 2.0  # a standby says it is there this often (a restarted primary learns of it)
REPL_CMDS = "repl_cmds"  # meta key: the primary's commands rowid the standby holds up to


class Shipper:
    """The primary's side. ``committed()`` after every commit (the service holds its lock)."""

    def __init__(
        self,
        store_path: Path,
        link: Any,
        topics: Topics,
        *,
        epoch: Callable[[], int],
        when_fenced: Callable[[int], None],
        sync_timeout_s: float = SYNC_TIMEOUT_S,
    ) -> None:
        self.store_path, self.link, self.topics = store_path, link, topics
        self.epoch, self.when_fenced = epoch, when_fenced
        self.sync_timeout_s = sync_timeout_s
        self.standby: c.ReplNeed | None = None
        self.in_sync = False
        self.shipped = (0, 0)
        self.acked = (0, 0)
        self.stopped = False
        self._cv = threading.Condition()
        self._ship_lock = threading.Lock()  # one shipper at a time: batches stay in order
        self._db: sqlite3.Connection | None = None

    def attach(self) -> None:
        self.link.subscribe(self.topics.repl("ack"), self._on_ack)
        self.link.subscribe(self.topics.repl("need"), self._on_need)

    def status(self) -> c.StandbyStatus | None:
        s = self.standby
        if s is None:
            return None
        return c.StandbyStatus(
            device=s.device,
            sync=s.sync,
            in_sync=self.in_sync,
            acked_seq=self.acked[0],
            shipped_seq=self.shipped[0],
        )

    def committed(self) -> bool:
        """Ship what was just committed; in sync mode wait for the standby's ack. False when
        a sync standby did not ack in time (the caller replies anyway: availability)."""
        if self.standby is None or self.stopped:
            return True
        with self._ship_lock:
            target = self._ship(self.shipped, to="")
            self.shipped = target
        if not (self.standby.sync and self.in_sync):
            return True
        with self._cv:
            held = self._cv.wait_for(
                lambda: self.stopped or _covers(self.acked, target), self.sync_timeout_s
            )
        if not held:
            self.in_sync = False
            log.warning(
                "standby %s did not confirm rows up to %d within %.1f s: replies no longer "
                "wait for it until it has caught up",
                self.standby.device,
                target[0],
                self.sync_timeout_s,
            )
        return held

    def stop(self) -> None:
        with self._cv:
            self.stopped = True
            self._cv.notify_all()
        if self._db is not None:
            self._db.close()
            self._db = None

    # ------------------------------------------------------------ paho's thread
    def _on_ack(self, _topic: str, payload: bytes) -> None:
        ack = _decode(payload, c.ReplAck)
        if ack is None:
            return
        if ack.promoted_epoch > self.epoch():
            self.stop()
            self.when_fenced(ack.promoted_epoch)
            return
        with self._cv:
            self.acked = (max(self.acked[0], ack.seq), max(self.acked[1], ack.cmds))
            if not self.in_sync and _covers(self.acked, self.shipped):
                self.in_sync = True
                log.info("standby %s holds everything: in sync", ack.device)
            self._cv.notify_all()

    def _on_need(self, _topic: str, payload: bytes) -> None:
        need = _decode(payload, c.ReplNeed)
        if need is None or self.stopped:
            return
        threading.Thread(target=self._catch_up, args=(need,), daemon=True).start()

    def _catch_up(self, need: c.ReplNeed) -> None:
        with self._ship_lock:
            known = self.standby is not None and self.standby.instance == need.instance
            if known and need.reason == "alive":
                return  # its heartbeat: batches in flight reach it anyway
            if self.standby is None or self.standby.instance != need.instance:
                log.info("standby %s (%s) joins", need.device, "sync" if need.sync else "async")
            self.standby = need
            with self._cv:
                self.in_sync = False
                self.acked = (need.seq, need.cmds)
            try:
                self.shipped = self._ship((need.seq, need.cmds), to=need.instance)
            except sqlite3.Error:
                log.exception("catch-up for standby %s failed", need.device)

    # ------------------------------------------------------------ reading the store
    def _ship(self, after: tuple[int, int], *, to: str) -> tuple[int, int]:
        """Publish every row after ``after`` in chunks; returns the new cursors. A catch-up
        (``to``) sends at least one batch, even empty, so the standby acks and joins."""
        seq, cmds = after
        sent = False
        while True:
            events, commands = self._rows(seq, cmds)
            if not events and not commands and (sent or not to):
                return seq, cmds
            last = events[-1][0] if events else seq
            cmds_last = commands[-1][0] if commands else cmds
            batch = c.ReplBatch(
                epoch=self.epoch(),
                after=seq,
                last=last,
                cmds_after=cmds,
                cmds_last=cmds_last,
                events=events,
                commands=commands,
                to=to,
            )
            self.link.publish(self.topics.repl("batch"), batch)
            sent = True
            seq, cmds = last, cmds_last

    def _rows(self, seq: int, cmds: int) -> tuple[list[c.ReplEvent], list[c.ReplCommand]]:
        db = self._reader()
        events = db.execute(
            "SELECT seq, day, at, kind, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, CHUNK_ROWS),
        ).fetchall()
        commands = db.execute(
            "SELECT rowid, device, id, at, reply FROM commands WHERE rowid > ? ORDER BY rowid "
            "LIMIT ?",
            (cmds, CHUNK_ROWS),
        ).fetchall()
        return [tuple(r) for r in events], [tuple(r) for r in commands]  # type: ignore[misc]

    def _reader(self) -> sqlite3.Connection:
        """A read-only connection of its own (WAL: it sees every commit, blocks no writer)."""
        if self._db is None:
            uri = f"file:{self.store_path}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return self._db


class Follower:
    """The standby's side: rows into its store (same seq), events into its engine, acks."""

    def __init__(
        self,
        store: Any,
        link: Any,
        topics: Topics,
        *,
        device: str,
        instance: str,
        sync: bool,
        apply: Callable[[list[Event]], None],
        lock: Any,
    ) -> None:
        self.store, self.link, self.topics = store, link, topics
        self.device, self.instance, self.sync = device, instance, sync
        self.apply, self.lock = apply, lock
        self.following = True
        self.seen_epoch = 0
        self.last_batch_at = 0.0
        self._asked_at = 0.0

    def attach(self) -> None:
        self.link.subscribe(self.topics.repl("batch"), self._on_batch)

    @property
    def cursors(self) -> tuple[int, int]:
        db = self.store.db
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        cmds = store_meta.get(self.store, REPL_CMDS, "0")
        return int(seq), int(cmds) if cmds.isdigit() else 0

    def request(self, reason: str = "join") -> None:
        """Ask the primary for the rows after this standby's cursors (on connect: ``join``,
        on a gap: ``gap``, at most every NEED_EVERY_S), or say it is there (``alive``)."""
        now = time.monotonic()
        if not self.following or (reason != "join" and now - self._asked_at < NEED_EVERY_S):
            return
        self._asked_at = now
        with self.lock:
            seq, cmds = self.cursors
        need = c.ReplNeed(
            instance=self.instance,
            device=self.device,
            seq=seq,
            cmds=cmds,
            sync=self.sync,
            reason=reason,  # type: ignore[arg-type]
        )
        self.link.publish(self.topics.repl("need"), need)

    def stop(self, promoted_epoch: int) -> None:
        """Stop following; tell the old primary (if it still listens) to stop acting."""
        self.following = False
        with self.lock:
            have = self.cursors
        self._ack(have, promoted_epoch)

    # ------------------------------------------------------------ paho's thread
    def _on_batch(self, _topic: str, payload: bytes) -> None:
        batch = _decode(payload, c.ReplBatch)
        if batch is None or not self.following or batch.to not in ("", self.instance):
            return
        if batch.epoch < self.seen_epoch:
            log.warning("batch of an older epoch (%d) ignored", batch.epoch)
            return
        self.seen_epoch = batch.epoch
        self.last_batch_at = time.monotonic()
        with self.lock:
            have = self.cursors
            follows = (batch.after, batch.cmds_after) == have
            if follows:
                self._hold(batch)
                have = (batch.last, batch.cmds_last)
        if not follows and not _covers(have, (batch.last, batch.cmds_last)):
            self.request("gap")  # a gap: it joined late or missed a batch
            return
        self._ack(have)

    def _ack(self, have: tuple[int, int], promoted_epoch: int = 0) -> None:
        ack = c.ReplAck(
            instance=self.instance,
            device=self.device,
            seq=have[0],
            cmds=have[1],
            sync=self.sync,
            promoted_epoch=promoted_epoch,
        )
        self.link.publish(self.topics.repl("ack"), ack)

    def _hold(self, batch: c.ReplBatch) -> None:
        """The batch's rows into the store (one transaction, durable), then into memory."""
        db = self.store.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT INTO events(seq, day, at, kind, data) VALUES (?,?,?,?,?)", batch.events
            )
            db.executemany(
                "INSERT OR REPLACE INTO commands(device, id, at, reply) VALUES (?,?,?,?)",
                [row[1:] for row in batch.commands],
            )
            db.execute(store_meta.SCHEMA)
            db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                (REPL_CMDS, str(batch.cmds_last)),
            )
            db.execute("COMMIT")
        except sqlite3.Error:
            db.execute("ROLLBACK")
            raise
        self.apply([Event(kind, at, json.loads(data)) for _s, _d, at, kind, data in batch.events])


def _covers(have: tuple[int, int], want: tuple[int, int]) -> bool:
    return have[0] >= want[0] and have[1] >= want[1]


def _decode(payload: bytes, kind: type[Any]) -> Any:
    try:
        return c.decode(payload, kind)
    except (msgspec.DecodeError, msgspec.ValidationError):
        log.warning("unreadable %s ignored", kind.__name__)
        return None
