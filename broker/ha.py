"""What keeps a hall served when its service stops (issue 14), around one BrokerService:

- the store lock (:mod:`broker.instance`) and the hall's lock over MQTT (:mod:`broker.claim`):
  a second service refuses to act;
- systemd readiness and watchdog (:mod:`broker.sdnotify`);
- primary or standby (:mod:`broker.replication`): the primary ships committed rows and, in
  sync mode, answers only once the standby holds them; the standby follows, answers nothing,
  publishes nothing, and acts after :meth:`HighAvailability.promote`;
- the fencing epoch: kept in the store, stamped on every message the service publishes, and
  an old primary that sees a newer one stops acting (``when_stopped``).

The service calls the small hooks below; everything else lives here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from hallq import contract as c
from hallq.core.model import Event
from hallq.sdnotify import Notifier, Watchdog

from . import store_meta
from .claim import HallClaim
from .instance import AlreadyRunning, StoreLock
from .replication import SYNC_TIMEOUT_S, Follower, Shipper

if TYPE_CHECKING:
    from .service import BrokerService

log = logging.getLogger(__name__)
CLAIM_CONNECT_S = 10.0  # how long start() waits for Mosquitto before claiming later


class HighAvailability:
    """The service's mode (primary, standby, fenced), its locks, epoch and replication."""

    def __init__(
        self,
        *,
        standby: bool = False,
        sync: bool = True,
        sync_timeout_s: float = SYNC_TIMEOUT_S,
        notifier: Notifier | None = None,
    ) -> None:
        self.mode = c.ServiceMode.STANDBY if standby else c.ServiceMode.PRIMARY
        self.sync, self.sync_timeout_s = sync, sync_timeout_s
        self.notifier = notifier or Notifier()
        self.watchdog = Watchdog(self.notifier)
        self.epoch = 0
        self.active = threading.Event()  # a primary that holds the hall: it acts
        self.when_stopped: Callable[[str], None] = lambda reason: None
        self.service: BrokerService | None = None
        self.store_lock: StoreLock | None = None
        self.claim: HallClaim | None = None
        self.shipper: Shipper | None = None
        self.follower: Follower | None = None
        self.enabled = True
        self._claim_later = False  # begin() found Mosquitto unreachable: the tick claims

    @classmethod
    def off(cls) -> HighAvailability:
        """No locks, no MQTT claim: a service used through ``handle()`` only (tests, tools)."""
        ha = cls()
        ha.enabled = False
        ha.active.set()
        return ha

    @property
    def is_standby(self) -> bool:
        return self.mode is c.ServiceMode.STANDBY

    # ------------------------------------------------------------ service hooks
    def before_open(self, service: BrokerService) -> None:
        """Take the store's lock before anything reads or writes it."""
        self.service = service
        path = getattr(service.store, "path", None)
        if path is not None and self.enabled:
            self.store_lock = StoreLock(path, mode=str(self.mode)).acquire()

    def after_open(self, service: BrokerService) -> None:
        """The epoch from the store; a standby refuses a store that served as a primary."""
        if not self.enabled or not hasattr(service.store, "db"):
            return
        self.epoch = store_meta.epoch(service.store)
        if self.is_standby:
            if store_meta.role(service.store) != "standby" and _has_events(service.store):
                raise AlreadyRunning(_not_a_standby_store(Path(service.store.path)))
            store_meta.put(service.store, role="standby")
        self._presence()  # before the link connects: its first presence already says the mode

    def attach(self, service: BrokerService) -> None:
        """Subscriptions, before the link starts."""
        link = service.link
        if not self.enabled:
            return
        self.claim = HallClaim(link, service.topics, _device(service), when_fenced=self._fenced)
        self.claim.attach()
        if self.is_standby:
            self.follower = Follower(
                service.store,
                link,
                service.topics,
                device=_device(service),
                instance=self.claim.instance,
                sync=self.sync,
                apply=self._follow,
                lock=service._lock,
            )
            self.follower.attach()
        else:
            self.shipper = self._new_shipper(service)
            self.shipper.attach()
        link.subscribe(service.topics.peer_link, self._on_peer_link)
        previous = link.when_connected
        link.when_connected = lambda: (previous and previous(), self._connected())
        self._presence()

    def probe_early(self, service: BrokerService) -> None:
        """Right after the link started: send the claim's probe in the background as soon as
        the connection is up, so its answer window overlaps loading the store."""
        claim = self.claim
        if not self.enabled or self.is_standby or claim is None or service.link is None:
            return
        link = service.link

        def send() -> None:
            if link.wait_for_connection(CLAIM_CONNECT_S):
                claim.probe()

        threading.Thread(target=send, name="claim-probe", daemon=True).start()

    def begin(self, service: BrokerService) -> None:
        """After the link started: a primary claims the hall (or raises AlreadyRunning)."""
        if not self.enabled:
            return
        if not self.is_standby:
            link = service.link
            if link.wait_for_connection(CLAIM_CONNECT_S):
                self._claim()
            else:
                log.warning("Mosquitto unreachable: the hall is claimed once it connects")
                self._claim_later = True
        self.notifier.ready(f"{self.mode} for hall {service.cfg.hall.id}")

    def tick(self) -> None:
        """The tick loop: a primary claims when it connected late; a standby says it is
        there (``repl/need``, every NEED_EVERY_S): a restarted primary learns of it."""
        if not self.enabled:
            return
        if self._claim_later and not self.active.is_set():
            link = self.service.link if self.service else None
            if link is not None and link.is_connected:
                try:
                    self._claim()
                except AlreadyRunning as exc:
                    log.critical("%s", exc)
                    self._stop(str(exc))
        elif self.follower is not None and self.follower.following:
            self.follower.request("alive")

    def committed(self) -> None:
        """After a commit, before state and replies go out: ship (and in sync mode wait)."""
        if self.shipper is not None and self.active.is_set():
            self.shipper.committed()
            self._presence()

    def commit_waits_for_mqtt(self) -> bool:
        """A sync standby: each commit waits for its ack, which paho's thread must read (so
        paho's thread must never wait for the service's lock meanwhile)."""
        standby = self.shipper.standby if self.shipper is not None else None
        return standby is not None and standby.sync

    def may_publish(self) -> bool:
        return self.active.is_set()

    def drops_commands(self) -> bool:
        """A standby or a fenced service lets the primary answer."""
        return self.mode is not c.ServiceMode.PRIMARY

    def stamp(self, payload: Any) -> Any:
        """The epoch on every published payload that has the field."""
        if self.epoch and isinstance(payload, msgspec.Struct) and hasattr(payload, "epoch"):
            return msgspec.structs.replace(payload, epoch=self.epoch)
        return payload

    def stop(self) -> None:
        if self.shipper is not None:
            self.shipper.stop()
        if self.store_lock is not None:
            self.store_lock.release()

    # ------------------------------------------------------------ promotion
    def promote(self) -> int:
        """Standby -> primary in one step: the new epoch is durable before anything is
        published; the old primary is told to stop; then the hall is served. Returns the
        new epoch."""
        service, follower, claim = self.service, self.follower, self.claim
        if service is None or follower is None or claim is None or not self.is_standby:
            raise AlreadyRunning("only a running standby can be promoted")
        with service._lock:
            epoch = max(self.epoch, follower.seen_epoch, claim.seen_epoch) + 1
            store_meta.put(service.store, epoch=epoch, role="primary")
            self.epoch = epoch
            follower.stop(epoch)
            self.mode = c.ServiceMode.PRIMARY
            claim.take(epoch)
            self.active.set()
            self.shipper = self._new_shipper(service)
            self.shipper.attach()
            if self.store_lock is not None:
                self.store_lock.write(mode="primary", epoch=epoch)
            service._tick()
        service._republish.set()  # every retained topic again, with the new epoch
        self._presence()
        log.warning("PROMOTED: this service is now the primary at epoch %d", epoch)
        return epoch

    # ------------------------------------------------------------ inside
    def _new_shipper(self, service: BrokerService) -> Shipper:
        return Shipper(
            Path(service.store.path),  # type: ignore[attr-defined]
            service.link,
            service.topics,
            epoch=lambda: self.epoch,
            when_fenced=lambda epoch: self._fenced(None, epoch),
            sync_timeout_s=self.sync_timeout_s,
        )

    def _claim(self) -> None:
        assert self.claim is not None
        self.claim.claim(self.epoch)
        self._claim_later = False
        self.active.set()
        if self.service is not None:
            self.service._republish.set()
        self._presence()

    def _connected(self) -> None:
        """paho's thread, on every (re)connect."""
        if self.claim is not None and self.active.is_set():
            self.claim.publish()
        if self.follower is not None and self.follower.following:
            threading.Thread(target=self.follower.request, daemon=True).start()

    def _on_peer_link(self, _topic: str, payload: bytes) -> None:
        """paho's thread: the hall's two Mosquittos were (re)joined (broker/peer.py). On
        meeting, each handed the other its retained messages, perhaps older ones than this
        service's: the acting service publishes its lock, presence and state again, the last
        word."""
        if payload != b"1" or not self.active.is_set() or self.service is None:
            return
        log.info("the hall's other Mosquitto is joined: republishing the retained state")
        if self.claim is not None:
            self.claim.publish()
        self._presence()
        self.service._republish.set()

    def _follow(self, events: list[Event]) -> None:
        """A standby applies the primary's events to its engine (the caller holds the lock)."""
        service = self.service
        assert service is not None
        for event in events:
            try:
                service.engine.apply(event)
            except Exception as exc:  # the row is in the store; replay will report it
                log.error("standby could not apply %s: %s", event.kind, exc)

    def _fenced(self, lock: c.ServiceLock | None, epoch: int = 0) -> None:
        newer = lock.epoch if lock is not None else epoch
        if self.mode is c.ServiceMode.FENCED or self.is_standby:
            return
        self.mode = c.ServiceMode.FENCED
        self.active.clear()
        if self.shipper is not None:
            self.shipper.stop()
        reason = (
            f"本服务已被接管 (epoch {newer} > {self.epoch})，停止服务 / fenced: a service at "
            f"epoch {newer} took over the hall; this one (epoch {self.epoch}) stops acting"
        )
        log.critical("%s", reason)
        self._presence()
        self._stop(reason)

    def _stop(self, reason: str) -> None:
        self.when_stopped(reason)

    def _presence(self) -> None:
        service = self.service
        if service is None or service.link is None:
            return
        standby = self.shipper.status() if self.shipper is not None else None
        service.link.set_presence(mode=str(self.mode), epoch=self.epoch, standby=standby)


def _device(service: BrokerService) -> str:
    return str(getattr(service.link, "device", "") or "hallq")


def _has_events(store: Any) -> bool:
    return store.db.execute("SELECT 1 FROM events LIMIT 1").fetchone() is not None


def _not_a_standby_store(path: Path) -> str:
    return (
        f"{path} 曾是主服务的数据库，不能作为备用服务的数据库 / {path} holds a primary's history: "
        "a standby must start from its own (empty) store and copy the primary's. Move this "
        "file aside (keep it for investigation) and start the standby again."
    )
