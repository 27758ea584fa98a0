"""The broker service: MQTT commands in, durable events, retained state and call events out.

Edges only translate: a payload is decoded into a typed command, checked against the sending
device's role, answered from the store if its id was seen before, handed to the engine, and
the resulting events are made durable BEFORE the reply and the state go out.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hallq import protocol as p
from hallq.config import HallConfig
from hallq.core.clock import ClockSteps, Step, StepKind
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import Event
from hallq.core.replay import ReplayFault, replay
from hallq.store import StoreError

from .bookings import BookingDesk, issue_handler
from .ha import HighAvailability
from .handlers import HANDLERS, REPLY_STATE, reply_fields
from .instance import AlreadyRunning
from .ports import ServiceLink, Store
from .publisher import Publisher
from .region_relay import RegionRelay
from .store_watch import StoreWatch

log = logging.getLogger(__name__)
TICK_S = 1.0
REFRESH_S = 30.0
REPLY_MEMORY_S = 2 * 86400  # replies kept: 48 h before the newest stored reply ...
REPLY_MEMORY_ROWS = 20_000  # ... and never fewer than the newest 20,000 (a busy day's worth)
PRUNE_EVERY_S = 3600.0
MAX_BATCH = 256
LINGER_GAP_S = 0.0005  # a batch closes after this long without a new command ...
LINGER_MAX_S = 0.015  # ... or this long after its first command (deciding included)
STATE_LAG_S = 0.2  # while batches follow each other, retained state at least this often
MAX_PRESENCE = 4096  # bytes; a device's presence is a few hundred


Reply = dict[str, Any] | None


@dataclass
class _Batch:
    """Commands answered together with one commit: decided one by one as they arrive."""

    now: float = 0.0
    refusal: StoreError | None = None  # the store cannot be written: refuse all, unseen
    items: list[tuple[str, bytes]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    answered: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    last: float = 0.0  # when the newest command joined


class BrokerService:
    """One hall's queue service. ``start()`` connects; ``handle()`` is usable without MQTT."""

    def __init__(
        self,
        cfg: HallConfig,
        *,
        store: Store,
        engine: Engine,
        link: ServiceLink | None = None,
        clock: Callable[[], float] = time.time,
        ha: HighAvailability | None = None,
    ) -> None:
        """Everything injected (``app.bootstrap.build_broker`` makes the real ones); without
        a link the service answers :meth:`handle` but cannot :meth:`start`. ``ha``: locks,
        primary/standby and watchdog (issue 14); None: none of them (tests, tools)."""
        self.cfg = cfg
        self.store = store
        self.link = link
        self.clock = clock
        self.engine = engine
        self.topics = p.Topics(cfg.hall.id)
        self.publisher = Publisher(
            self.engine,
            self.topics,
            self._send,
            services_in_state=cfg.mqtt.window_services_in_state,
        )
        self.roles = {d.id: p.Role(d.role) for d in cfg.devices}
        self.window_of = {d.id: getattr(d, "window", None) for d in cfg.devices}
        self.presence: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._republish = threading.Event()
        self._ticker: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._inbox: queue.Queue[tuple[str, bytes]] = queue.Queue()  # while not active
        self._open: _Batch | None = None  # decided on arrival, not yet committed
        self._work = threading.Event()  # wakes the worker: a batch to close, or queued
        self._on_arrival = False  # paho's thread decides (once the worker runs)
        self.replay_faults: list[ReplayFault] = []
        self._pending: tuple[list[Event], float, bool] = ([], 0.0, False)  # state to publish
        self._opened = False
        # store health (issue 17): refuse while it cannot be written, tell the board
        self.store_watch = StoreWatch(self.store, self._report_store)
        # booking codes (issue 13): the kiosk's appointment code checked before a ticket
        self.bookings = BookingDesk(cfg)
        self.booking_ops = {"issue": issue_handler(self.bookings)}
        # a counter's booking at another hall (issue 13): relayed to the region, answered later
        self.relay = RegionRelay(cfg, self._send, clock)
        self.relayed_ops = {"book": self.relay.ask}
        self.ha = ha or HighAvailability.off()

    # ------------------------------------------------------------ lifecycle
    def load(self) -> int:
        """Open the store and rebuild today's state from its events; returns how many.

        An event the engine cannot apply is skipped, logged as an error naming its row and
        shown on the board (``replay_faults`` on state/hall): the hall keeps serving."""
        self.open_store()
        n = self._replay()
        if not self.ha.is_standby:  # a standby writes only what the primary ships
            self._tick()
        log.info("replayed %d events; business day %s", n, self.engine.day)
        return n

    def open_store(self) -> None:
        """The store's lock (one service per store), then the store and the bookings."""
        if self._opened:
            return
        self.ha.before_open(self)
        self.store.open()
        self.ha.after_open(self)
        self.bookings.open()
        self._opened = True

    def _replay(self) -> int:
        applied, self.replay_faults = replay(self.engine, self.store.replay_rows())
        for fault in self.replay_faults:
            log.error("REPLAY SKIPPED %s", fault.describe())
        if self.replay_faults:
            log.error(
                "%d stored events could not be applied and were skipped; the hall serves on "
                "without them (docs/architecture.md, 'Replay faults')",
                len(self.replay_faults),
            )
        self.publisher.hall_extra["replay_faults"] = [
            {"seq": f.seq, "kind": f.kind, "error": f.error} for f in self.replay_faults[:20]
        ]
        return applied

    def start(self) -> None:
        if self.link is None:
            raise ValueError("a service without a link cannot start (app.bootstrap makes one)")
        self.link.subscribe(self.topics.cmd("+"), self._on_cmd)
        self.link.subscribe(self.topics.presence("+"), self._on_presence)
        self.bookings.attach(self.link)
        self.relay.attach(self.link)
        # paho's thread must not read the engine while the worker changes it: the tick
        # loop republishes everything (under the lock) within a second of a (re)connect
        self.link.when_connected = self._republish.set
        self.ha.attach(self)  # hall lock, replication (issue 14)
        self.open_store()  # a second service on this store stops here, before connecting
        self.link.start()  # connect (and probe for another instance) while the store loads
        self.ha.probe_early(self)
        self.load()  # commands arriving meanwhile wait in the inbox for the worker
        self.store_watch.verify_later()  # integrity of the whole file, off the start-up path
        self._ticker = threading.Thread(target=self._tick_loop, name="broker-tick", daemon=True)
        self._ticker.start()
        self._worker = threading.Thread(target=self._work_loop, name="broker-cmds", daemon=True)
        self._worker.start()
        try:
            self.ha.begin(self)  # a primary claims the hall: a second one refuses here
        except AlreadyRunning:
            self.stop()
            raise

    def stop(self) -> None:
        self._stop.set()
        for thread in (self._ticker, self._worker):
            if thread is not None:
                thread.join(timeout=3)
        self._on_arrival = False  # from now on commands only queue (and are dropped)
        if self.ha.active.is_set():
            with self._lock:  # decided just before the stop: stored and answered still
                self._flush_open()
        if self.link is not None:
            self.link.stop()
        self.store.close()
        self.ha.stop()

    # ------------------------------------------------------------ commands
    def _on_cmd(self, topic: str, payload: bytes) -> None:
        """paho's thread: decide the command at once into the open batch (the worker
        commits it once commands stop coming); queue it for the worker while the service is
        not active, or while the worker holds the lock and a sync standby's ack is due."""
        if self.ha.drops_commands():  # a standby or fenced service: the primary answers
            return
        item = (self.topics.device_of(topic), payload)
        if not (self._on_arrival and self.ha.active.is_set()):
            self._inbox.put(item)  # the worker answers it once the hall is held
            self._work.set()
            return
        # with a sync standby never wait for the lock here: the worker holds it while the
        # standby's ack is awaited, which this very thread must read; the command queues
        # for the worker instead (without one, waiting the commit out is the fast path)
        if not self._lock.acquire(blocking=not self.ha.commit_waits_for_mqtt()):
            self._inbox.put(item)
            self._work.set()
            return
        try:
            if not self._inbox.empty():  # older commands, queued before: theirs first
                self._inbox.put(item)
                self._work.set()
                return
            if self._open is None:
                self._open = self._open_batch()
                self._work.set()
            self._take(self._open, *item)
        except Exception:  # _take refuses a failing command alone; this is the rest
            log.exception("deciding a command from %s failed: queued for the worker", item[0])
            self._inbox.put(item)
            self._work.set()
        finally:
            self._lock.release()

    def _work_loop(self) -> None:
        """Close and commit the batches paho's thread decides (one commit for a burst),
        answer commands queued while the service was not active, publish retained state
        once commands pause."""
        self._on_arrival = True
        last_state = time.monotonic()
        while not self._stop.is_set():
            self.ha.watchdog.beat("worker")
            if not self.ha.active.is_set():  # not (yet) holding the hall: commands wait
                self._stop.wait(0.2)
                continue
            try:
                answered = self._close_when_quiet() or self._answer_queued()
                for (device, _payload), reply in answered or ():
                    if reply is not None:  # None: relayed, the relay answers (region_relay)
                        self._send(self.topics.reply(device), reply)
                if self._state_due(time.monotonic() - last_state):
                    self._publish_state()
                    last_state = time.monotonic()
            except Exception:  # never let the one committer die: the next round retries
                log.exception("the command worker met a defect; it carries on")
                self._stop.wait(0.05)

    def _state_due(self, since_last: float) -> bool:
        """Retained state goes last, after the calls and replies; while the next batch is
        already open (a burst) it waits for that one, at most STATE_LAG_S."""
        if not (self._pending[0] or self._pending[2]):
            return False
        return self._open is None or since_last >= STATE_LAG_S

    def _close_when_quiet(self) -> list[tuple[tuple[str, bytes], Reply]] | None:
        """The open batch, committed once no command joined it for LINGER_GAP_S (or it is
        LINGER_MAX_S old, or full); None if there was none for a moment."""
        if not self._work.wait(0.2):
            return None
        while True:
            batch = self._open
            if batch is None:  # a defect path queued it instead
                self._work.clear()
                return None
            now = time.perf_counter()
            if (
                now - batch.last >= LINGER_GAP_S
                or now - batch.started >= LINGER_MAX_S
                or len(batch.items) >= MAX_BATCH
            ):
                break
            time.sleep(LINGER_GAP_S / 2)  # no GIL held: paho's thread reads and decides
        with self._lock:
            self._work.clear()
            answered = self._close_open()
            if not self._inbox.empty():  # queued while this batch was being committed
                self._work.set()
            return answered or None

    def _close_open(self) -> list[tuple[tuple[str, bytes], Reply]]:
        """Commit the batch paho's thread has open (the caller holds the lock): its commands
        with their replies; if even that fails, every one refused and memory = store."""
        batch, self._open = self._open, None
        if batch is None:
            return []
        try:
            replies = self._close_batch(batch, state_later=True)
        except Exception:
            log.exception("a batch of %d commands failed: all refused", len(batch.items))
            self._rebuild()
            replies = [_internal(pl, "not saved; retry") for _device, pl in batch.items]
        return list(zip(batch.items, replies, strict=True))

    def _flush_open(self) -> None:
        """Commit and answer the open batch now (the caller holds the lock): whatever comes
        next must be stored after it, as memory has it."""
        for (device, _payload), reply in self._close_open():
            if reply is not None:
                self._send(self.topics.reply(device), reply)

    def _answer_queued(self) -> list[tuple[tuple[str, bytes], Reply]] | None:
        """Commands queued while the service was not active (or by a defect path)."""
        with self._lock:  # paho's thread queues behind these while any are left
            try:
                first = self._inbox.get_nowait()
            except queue.Empty:
                return None
            return self._answer(first)

    def _answer(self, first: tuple[str, bytes]) -> list[tuple[tuple[str, bytes], Reply]]:
        """One batch: ``first`` and whatever follows while commands keep coming, each decided
        as it arrives (a burst of 76 windows pressing at once arrives over a millisecond or
        two, and deciding it takes a few more), then one commit. If even that fails: every
        command refused, memory = store."""
        batch = _Batch(items=[first])
        try:
            with self._lock:
                batch = self._open_batch()
                self._take(batch, *first)
                deadline = time.perf_counter() + LINGER_MAX_S
                while len(batch.items) < MAX_BATCH and time.perf_counter() < deadline:
                    try:
                        self._take(batch, *self._inbox.get(timeout=LINGER_GAP_S))
                    except queue.Empty:
                        break
                replies = self._close_batch(batch, state_later=True)
        except Exception:
            log.exception("a batch of %d commands failed: all refused", len(batch.items))
            with self._lock:
                self._rebuild()
            replies = [_internal(payload, "not saved; retry") for _device, payload in batch.items]
        return list(zip(batch.items, replies, strict=True))

    def handle(self, device: str, payload: bytes) -> Reply:
        """Answer one command payload from ``device``; never raises for bad input. None: a
        relayed op (``book``), answered later on the device's reply topic."""
        return self.handle_batch([(device, payload)])[0]

    def handle_batch(
        self, items: list[tuple[str, bytes]], *, state_later: bool = False
    ) -> list[Reply]:
        """Answer commands in order with ONE durable commit for all of them (group commit).

        Each command sees the effects of the ones before it; nothing is published or
        replied before the commit. If the commit fails, memory is rebuilt from the store
        and every command of the batch gets an "internal" error (none took effect)."""
        with self._lock:
            self._flush_open()
            batch = self._open_batch()
            for device, payload in items:
                self._take(batch, device, payload)
            return self._close_batch(batch, state_later=state_later)

    def _open_batch(self) -> _Batch:
        """A new batch (the caller holds the lock): the store looked at, periodic work done."""
        refusal = self.store_watch.refusal()  # gone or unwritable: decide nothing
        if refusal is None:
            self._tick()
        return _Batch(now=self.clock(), refusal=refusal)

    def _take(self, batch: _Batch, device: str, payload: bytes) -> None:
        """Decide one command of ``batch`` and apply it to memory (not yet stored)."""
        batch.items.append((device, payload))
        batch.last = time.perf_counter()
        if batch.refusal is not None:
            batch.replies.append(_not_saved(_cmd_id(payload), batch.refusal))
            return
        try:
            reply, new_events, key = self._one(device, payload, batch.now, batch.answered)
        except Exception:
            # a defect met by one command: refuse it alone, and undo whatever it may have
            # half-applied (memory = store + this batch's earlier events)
            log.exception("command from %s failed unexpectedly", device)
            self._rebuild(batch.events)
            reply, new_events, key = _internal(payload, "internal error"), [], None
        batch.replies.append(reply)
        batch.events += new_events
        if key is not None:
            batch.answered[key] = reply

    def _close_batch(self, batch: _Batch, *, state_later: bool) -> list[Reply]:
        """Commit the batch (one fsync), then publish what it changed; the replies."""
        if batch.refusal is not None:
            return batch.replies
        events, replies = batch.events, batch.replies
        commands = [(dev, cid, r) for (dev, cid), r in batch.answered.items()]
        decided = time.perf_counter()
        try:
            if events or commands:  # replays and undecodable payloads write nothing
                self.store.append(events, self.engine.day, commands=commands, at=batch.now)
        except StoreError as exc:
            log.exception("store write failed: rebuilding state from the store")
            self._rebuild()
            return [r and _not_saved(r.get("id"), exc) for r in replies]
        if events or commands:
            self.ha.committed()  # to the standby; in sync mode: until it holds them
        committed = time.perf_counter()
        self._publish_after(events, replies, batch.now, state_later=state_later)
        log.debug(
            "batch of %d commands answered in %.1f ms (decided %.1f, committed %.1f, events %.1f)",
            len(batch.items),
            (time.perf_counter() - batch.started) * 1000,
            (decided - batch.started) * 1000,
            (committed - decided) * 1000,
            (time.perf_counter() - committed) * 1000,
        )
        return replies

    def _one(
        self, device: str, payload: bytes, now: float, answered: dict[tuple[str, str], Any]
    ) -> tuple[dict[str, Any] | None, list[Event], tuple[str, str] | None]:
        """Decide one command and apply it to memory; returns (reply, events, key to store).
        A relayed op (``book``) has no reply yet (None): its relay sends it later."""
        try:
            cmd = p.decode_command(payload)
        except p.BadCommand as exc:
            log.warning("bad command from %s: %s", device, exc.message)
            return p.error_reply(exc.cmd_id, exc.code, exc.message), [], None
        key = (device, cmd.id)
        seen = answered.get(key) or self.store.reply_for(device, cmd.id)
        if seen is not None:
            return seen, [], None
        op = cmd.__struct_config__.tag
        role = self.roles.get(device)
        if role is None:
            log.warning("command %s from unknown device %s", op, device)
            return (
                p.error_reply(cmd.id, ErrorCode.UNKNOWN_DEVICE, f"unknown device {device}"),
                [],
                None,
            )
        if op not in p.ALLOWED[role]:
            log.warning("device %s (%s) may not %s", device, role, op)
            return p.error_reply(cmd.id, ErrorCode.FORBIDDEN, f"a {role} may not {op}"), [], None
        return self._decide(cmd, op, device, now, key)

    def _decide(
        self, cmd: Any, op: str, device: str, now: float, key: tuple[str, str]
    ) -> tuple[dict[str, Any] | None, list[Event], tuple[str, str] | None]:
        """A command the device may send, decided (or relayed: no events, reply later)."""
        if op in self.relayed_ops:
            return self.relayed_ops[op](cmd, device, now), [], None
        try:
            handler = self.booking_ops.get(op) or HANDLERS[op]
            events = handler(self.engine, cmd, device, self.window_of.get(device), now)
        except QueueError as exc:
            return p.error_reply(cmd.id, exc.code, exc.message, exc.opens_at), [], key
        self.engine.apply_all(events)
        if op in ("set_services", "set_priority_ratio"):
            log.info("manager action %s by %s: %s", op, device, getattr(cmd, "by", ""))
        fields = reply_fields(events)
        if op in REPLY_STATE:
            fields.update(REPLY_STATE[op](self.engine, device))
        return p.ok_reply(cmd.id, op=op, **fields), events, key

    def _publish_after(
        self,
        events: list[Event],
        replies: list[dict[str, Any] | None],
        now: float,
        *,
        state_later: bool = False,
    ) -> None:
        """Publish what the batch changed; the batch is durable already, so a failure here
        is logged and the replies still go out (the tick republishes within REFRESH_S).
        ``state_later``: only the events now; the retained state by _publish_state(), after
        the replies (the worker's order)."""
        status = any(r is not None and r.get("op") == "status" for r in replies)
        try:
            self.publisher.announce(events)
            if state_later:
                self._pending = (self._pending[0] + events, now, self._pending[2] or status)
                return
            self.publisher.state_after(events, now)
            if status:
                self.publisher.publish_all(now, force=True)
        except Exception:
            log.exception("publishing after a batch failed; state is republished later")
            self._republish.set()

    def _publish_state(self) -> None:
        """The retained state the last batch changed (worker thread, after the replies)."""
        with self._lock:
            if self._open is not None:  # memory is ahead of the store: after that batch
                return
            events, now, status = self._pending
            self._pending = ([], 0.0, False)
            try:
                if events:
                    self.publisher.state_after(events, now)
                if status:
                    self.publisher.publish_all(now, force=True)
            except Exception:
                log.exception("publishing state failed; it is republished later")
                self._republish.set()

    def _rebuild(self, pending: Iterable[Event] = ()) -> None:
        """Memory from the store again, plus ``pending`` events not yet stored."""
        self.engine = Engine(self.engine.layout, policy=self.engine.policy)
        self.publisher.engine = self.engine
        self._replay()
        self.engine.apply_all(pending)

    def _commit(self, events: list[Event]) -> None:
        """Periodic events: durable first, then memory, then the world."""
        self.store.append(events, self.engine.day, at=self.clock())
        self.ha.committed()
        self.engine.apply_all(events)
        if events:
            self.publisher.after(events, self.clock())

    # ------------------------------------------------------------ periodic
    def _tick(self) -> None:
        with self._lock:
            if self._open is not None:  # decided, not yet stored: ticks go after it, the
                return  # order memory and store must share (the next batch ticks first)
            now = self.clock()
            events = self.engine.tick(now)
            while events:
                self._commit(events)
                events = self.engine.tick(now)

    def _tick_loop(self) -> None:
        last_refresh = self.clock()
        last_prune = time.monotonic()  # the wall clock may step: never prune by it
        steps = ClockSteps(self.engine.latest, last_refresh)
        while not self._stop.wait(TICK_S):
            self.ha.watchdog.beat("tick")
            try:
                self.ha.tick()
                self.store_watch.keep_wal_small()  # beside the writer: commands never wait
                if not self.ha.active.is_set():
                    continue  # a standby (or a primary not holding the hall) decides nothing
                with self._lock:
                    self.store_watch.tick()  # health to the board, WAL truncated when quiet
                self._tick()
                now = self.clock()
                _log_clock_step(steps.observe(now), self.engine.day)
                forced = self._republish.is_set()
                if forced or now - last_refresh >= REFRESH_S:
                    self._republish.clear()
                    with self._lock:
                        if self._open is not None:  # memory ahead of the store: next tick
                            self._republish.set()
                            continue
                        self.publisher.publish_all(now, force=forced)  # + staffing advice
                    last_refresh = now
                if time.monotonic() - last_prune >= PRUNE_EVERY_S:
                    self._forget_old_replies()
                    last_prune = time.monotonic()
            except Exception:
                log.exception("periodic work failed")

    def _forget_old_replies(self) -> None:
        """Drop replies kept for idempotency, judged by the store's own newest reply and
        order, never by the clock's now: a clock jumping days ahead must not wipe them."""
        with self._lock:
            self.store.forget_commands(REPLY_MEMORY_S, keep_rows=REPLY_MEMORY_ROWS)

    # ------------------------------------------------------------ presence
    def _on_presence(self, topic: str, payload: bytes) -> None:
        device = self.topics.device_of(topic)
        if len(payload) > MAX_PRESENCE:
            log.warning(
                "presence of %d B from %s ignored (> %d B)", len(payload), device, MAX_PRESENCE
            )
            return
        try:
            body = p.decode_json(payload) if payload else {"online": False}
        except Exception:
            log.warning("unreadable presence from %s", device)
            return
        if not isinstance(body, dict):
            return
        was = self.presence.get(device, {}).get("online")
        self.presence[device] = body
        if was != body.get("online"):
            log.info("device %s is %s", device, "online" if body.get("online") else "offline")

    # ------------------------------------------------------------ store health
    def _report_store(self, health: dict[str, Any]) -> None:
        """The store's health rides on the service's own presence (docs/protocol.md)."""
        if self.link is not None:
            self.link.set_presence(store=health)

    def _send(self, topic: str, payload: Any, retain: bool = False) -> bool:
        if self.link is None:
            return True
        if not self.ha.may_publish():  # a standby, or fenced: the primary speaks
            return False
        return self.link.publish(topic, self.ha.stamp(payload), retain=retain)


def _internal(payload: bytes, message: str) -> dict[str, Any]:
    """An "internal" refusal for a command, with its id when one can be read."""
    return p.error_reply(_cmd_id(payload), ErrorCode.INTERNAL, message)


def _log_clock_step(step: Step | None, day: str) -> None:
    """Say once that the clock stepped (docs/deploy.md, "Time")."""
    if step is None:
        return
    if step.kind is StepKind.BACK:
        log.warning(
            "the clock went back %.0f s: business day %s is kept (numbers continue, waits "
            "never negative) until the clock passes the next day's start; check chrony",
            step.seconds,
            day,
        )
    elif step.kind is StepKind.CAUGHT_UP:
        log.info("the clock caught up with the time before its step back")
    else:
        log.warning("the clock jumped %.0f s ahead; check chrony", step.seconds)


def _not_saved(cmd_id: str | None, exc: StoreError) -> dict[str, Any]:
    return p.error_reply(cmd_id, ErrorCode.INTERNAL, f"not saved: {exc.reason}; retry")


def _cmd_id(payload: bytes) -> str | None:
    try:
        return p.decode_command(payload).id
    except p.BadCommand as exc:
        return exc.cmd_id
    except Exception:  # whatever else a hostile payload raises: no id to answer with
        return None
