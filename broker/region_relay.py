"""A counter's ``book`` (跨层级预约 from a township), relayed to the region over the bridge.

Request/reply over the bridge, which carries only ``hallq/<hall>/ask/#`` out and
``hallq/<hall>/region/#`` in (broker/bridge.py): the service publishes a
:class:`~hallq.contract.BookRequest` on ``ask/book``; the region answers on
``region/answer`` with a :class:`~hallq.contract.BookAnswer`, and this relay sends the
device its reply then. The service's worker never waits for the WAN: ``ask()`` returns at
once (None: the reply comes later, from paho's thread or the timer).

Nothing is booked when the region cannot be reached, and the counter is told so:

- the bridge is down (its notification ``bridge/region`` is ``0``, or never came): refused
  at once, nothing sent;
- no answer within ``WAIT_S``: refused as unreachable. The request carried
  ``expires_at`` = now + ``EXPIRY_S`` (< ``WAIT_S``), after which the region books nothing,
  so a request held in the bridge's queue by a cut is never booked late (hall and region
  clocks within ``WAIT_S - EXPIRY_S`` of each other: NTP, docs/deploy.md "Time").

A repeat of a command id gets the first reply (or waits for it); the region, too, answers a
repeated request id with its first answer, so a booking is never made twice.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import msgspec

from hallq import contract as c
from hallq import protocol as p
from hallq.config import HallConfig
from hallq.core.errors import ErrorCode

log = logging.getLogger(__name__)
WAIT_S = 8.0  # how long a counter's booking waits for the region
EXPIRY_S = 5.0  # the region books nothing for a request older than this (hall clock)
REMEMBER = 512  # answered commands kept for repeats

Send = Callable[[str, Any], bool]
UNREACHABLE = "区域中心暂时无法连接，未预约 / the region cannot be reached: nothing was booked"
NO_ANSWER = "区域中心未答复，未预约，请稍后重试 / no answer from the region: nothing was booked"
NO_REGION = "本大厅未接入区域中心，不能跨大厅预约 / this hall is not linked to a region"


class RegionRelay:
    """Relays ``book`` to the region and answers the device when the region has."""

    def __init__(self, cfg: HallConfig, send: Send, clock: Callable[[], float]) -> None:
        self.cfg, self.send, self.clock = cfg, send, clock
        self.root = p.Topics(cfg.hall.id).root
        self.link_up = False  # the bridge's own notification says so
        self._waiting: dict[str, tuple[str, str, threading.Timer]] = {}  # req -> device, cmd
        self._answered: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def attach(self, link: Any) -> None:
        if self.cfg.region is not None:
            link.subscribe(f"{self.root}/bridge/region", self.on_bridge)
            link.subscribe(f"{self.root}/region/answer", self.on_answer)

    def on_bridge(self, _topic: str, payload: bytes) -> None:
        self.link_up = payload == b"1"

    def ask(self, cmd: p.Book, device: str, now: float) -> dict[str, Any] | None:
        """The reply now (a refusal, or a repeat's first reply), or None: it comes later."""
        key = (device, cmd.id)
        req_id = f"{device}.{cmd.id}"
        with self._lock:
            if key in self._answered:
                return self._answered[key]
            if req_id in self._waiting:
                return None  # a retry while the first is on its way: one answer for both
            refusal = self._refusal(cmd.id)
            if refusal is not None:
                return refusal
            timer = threading.Timer(WAIT_S, self._give_up, (req_id,))
            timer.daemon = True
            self._waiting[req_id] = (device, cmd.id, timer)
        by = f"{device}/{cmd.staff}" if cmd.staff else device
        request = c.BookRequest(
            id=req_id,
            hall=cmd.hall,
            service=cmd.service,
            day=cmd.day,
            start=cmd.start,
            by=by,
            expires_at=now + EXPIRY_S,
        )
        timer.start()
        if not self.send(f"{self.root}/ask/book", request):
            self._reply(req_id, p.error_reply(cmd.id, ErrorCode.REGION_UNREACHABLE, UNREACHABLE))
        return None

    def _refusal(self, cmd_id: str) -> dict[str, Any] | None:
        if self.cfg.region is None:
            return p.error_reply(cmd_id, ErrorCode.REGION_UNREACHABLE, NO_REGION)
        if not self.link_up:
            return p.error_reply(cmd_id, ErrorCode.REGION_UNREACHABLE, UNREACHABLE)
        return None

    def on_answer(self, _topic: str, payload: bytes) -> None:
        """paho's thread: the region's answer, to the device that asked."""
        try:
            answer = c.decode(payload, c.BookAnswer)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable booking answer ignored: %s", exc)
            return
        with self._lock:
            waiting = self._waiting.get(answer.id)
        if waiting is None:
            if answer.ok:  # given up on already: the region booked it after all
                log.warning("booking %s answered after the counter was told no", answer.id)
            return
        cmd_id = waiting[1]
        if not answer.ok:
            reply = p.error_reply(cmd_id, ErrorCode.BOOKING_REFUSED, answer.message)
        else:
            fields = msgspec.structs.asdict(answer)
            for name in ("id", "ok", "message"):
                fields.pop(name)
            reply = p.ok_reply(cmd_id, op="book", **fields)
        self._reply(answer.id, reply)

    def _give_up(self, req_id: str) -> None:
        with self._lock:
            waiting = self._waiting.get(req_id)
        if waiting is not None:
            log.warning("no booking answer from the region for %s", req_id)
            self._reply(req_id, p.error_reply(waiting[1], ErrorCode.REGION_UNREACHABLE, NO_ANSWER))

    def _reply(self, req_id: str, reply: dict[str, Any]) -> None:
        with self._lock:
            waiting = self._waiting.pop(req_id, None)
            if waiting is None:
                return
            device, cmd_id, timer = waiting
            self._answered[(device, cmd_id)] = reply
            while len(self._answered) > REMEMBER:
                self._answered.popitem(last=False)
        timer.cancel()
        self.send(p.Topics(self.cfg.hall.id).reply(device), reply)
