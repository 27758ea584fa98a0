"""One queue service per hall, checked over MQTT: the retained ``service/lock``.

A starting primary (1) reads the retained lock: one with a higher epoch than its own store's
means the hall was taken over by a promoted standby, so this old primary must not act;
(2) publishes a probe with a fresh nonce and waits ``PROBE_WAIT_S``: a live holder answers
with its lock and that nonce, and the newcomer refuses (:class:`AlreadyRunning`); (3) else
publishes its own lock (retained) and acts. While it holds the hall it answers probes, and
it stops acting (``when_fenced``) when a lock of a newer epoch appears, or of the same
epoch from an instance that sorts before it (two that started at the very same moment).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import msgspec

from hallq import contract as c
from hallq.protocol import Topics

from .instance import AlreadyRunning

log = logging.getLogger(__name__)
PROBE_WAIT_S = 0.5  # a live holder on the LAN answers in milliseconds; every start waits this


class HallClaim:
    """This instance's claim on the hall (``link`` must be started by the caller)."""

    def __init__(
        self,
        link: Any,
        topics: Topics,
        device: str,
        *,
        when_fenced: Callable[[c.ServiceLock], None],
        instance: str | None = None,
    ) -> None:
        self.link, self.topics, self.device = link, topics, device
        self.instance = instance or f"{device}-{secrets.token_hex(6)}"
        self.when_fenced = when_fenced
        self.epoch = 0
        self.held = False
        self.seen: c.ServiceLock | None = None  # the latest lock of another instance
        self._answers: dict[str, c.ServiceLock] = {}
        self._changed = threading.Condition()
        self._probe: tuple[str, float] | None = None  # (nonce, when) of a probe already sent

    def attach(self) -> None:
        """Subscribe (before ``link.start()``: the subscriptions are renewed on reconnect)."""
        self.link.subscribe(self.topics.service_lock, self._on_lock)
        self.link.subscribe(self.topics.service_probe, self._on_probe)

    @property
    def seen_epoch(self) -> int:
        return self.seen.epoch if self.seen is not None else 0

    def probe(self) -> None:
        """Ask now whether another instance holds the hall (connected link required); the
        answer is awaited by claim(), so the wait can overlap loading the store."""
        nonce = secrets.token_hex(8)
        probe = c.ServiceProbe(instance=self.instance, nonce=nonce)
        if self.link.publish(self.topics.service_probe, probe):
            self._probe = (nonce, time.monotonic())

    def claim(self, epoch: int, wait_s: float = PROBE_WAIT_S) -> None:
        """Take the hall at ``epoch`` or raise AlreadyRunning (connected link required). The
        probe sent earlier by probe() counts: only the rest of ``wait_s`` is waited."""
        if self._probe is None:
            self.probe()
        nonce, sent = self._probe or ("", time.monotonic())
        self._probe = None
        left = max(0.0, wait_s - (time.monotonic() - sent))
        with self._changed:
            self._changed.wait_for(lambda: nonce in self._answers, timeout=left)
            answer = self._answers.pop(nonce, None)
        newer = self.seen if self.seen is not None and self.seen.epoch > epoch else None
        if newer is not None:
            raise AlreadyRunning(_taken_over(newer, epoch))
        if answer is not None:
            raise AlreadyRunning(_live(answer))
        self.take(epoch)

    def take(self, epoch: int) -> None:
        """Hold the hall at ``epoch``: the retained lock says so (also after a promotion)."""
        self.epoch, self.held = epoch, True
        self.publish()
        log.info("holding hall %s as %s at epoch %d", self.topics.root, self.instance, epoch)

    def publish(self, nonce: str = "") -> bool:
        """(Re)publish this instance's lock, retained (on every reconnect: Mosquitto may have
        restarted without it)."""
        if not self.held:
            return False
        lock = c.ServiceLock(
            instance=self.instance,
            device=self.device,
            host=socket.gethostname(),
            pid=os.getpid(),
            epoch=self.epoch,
            nonce=nonce,
        )
        return bool(self.link.publish(self.topics.service_lock, lock, retain=True))

    # ------------------------------------------------------------ paho's thread
    def _on_lock(self, _topic: str, payload: bytes) -> None:
        lock = _decode(payload, c.ServiceLock)
        if lock is None or lock.instance == self.instance:
            return
        with self._changed:
            self.seen = lock
            if lock.nonce:
                self._answers[lock.nonce] = lock
            self._changed.notify_all()
        if self.held and _beats(lock, self.epoch, self.instance):
            self.held = False
            log.critical(
                "hall taken by %s at epoch %d: this service stops", lock.instance, lock.epoch
            )
            self.when_fenced(lock)

    def _on_probe(self, _topic: str, payload: bytes) -> None:
        probe = _decode(payload, c.ServiceProbe)
        if probe is None or probe.instance == self.instance or not self.held:
            return
        log.warning("another service instance (%s) asked for the hall: refused", probe.instance)
        self.publish(nonce=probe.nonce)


def _beats(lock: c.ServiceLock, epoch: int, instance: str) -> bool:
    """Does ``lock`` (another instance's) outrank this instance's claim?"""
    return lock.epoch > epoch or (lock.epoch == epoch and lock.instance < instance)


def _decode(payload: bytes, kind: type[Any]) -> Any:
    if not payload:
        return None
    try:
        return c.decode(payload, kind)
    except (msgspec.DecodeError, msgspec.ValidationError):
        log.warning("unreadable %s ignored", kind.__name__)
        return None


def _live(lock: c.ServiceLock) -> str:
    return (
        f"另一个排队服务正在为本大厅服务，本服务不启动 / another hallq broker is serving this "
        f"hall ({lock.instance} on {lock.host or '?'}, pid {lock.pid}, epoch {lock.epoch}): "
        "this one refuses, since two services would hand out the same numbers. Stop the "
        "other one first, or start this one as its standby (hallq broker --standby)."
    )


def _taken_over(lock: c.ServiceLock, epoch: int) -> str:
    return (
        f"本大厅已由备用服务接管，本服务不再作为主服务启动 / this hall was taken over at epoch "
        f"{lock.epoch} by {lock.instance} on {lock.host or '?'} (this store is at epoch "
        f"{epoch}): this old primary must not act. Move its store aside and run it as the new "
        "standby (docs/deploy.md, 'Primary and standby')."
    )
