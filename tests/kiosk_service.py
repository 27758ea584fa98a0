"""The real queue service, in-process, behind a kiosk's FakeLink (kiosk unit and UI tests).

The kiosk talks to ``broker.service.BrokerService`` as it does over Mosquitto: its commands go
out through ``CommandClient`` on a ``hallq.fakes.FakeLink``; the service decides them with the
real engine and a real event store in tmp, and its replies, retained state and events come
back on the same link, decoded with the contract. Faults are the hall's own, at link level:
``link.go_offline()`` (Mosquitto unreachable: nothing is sent) and ``answering = False``
(Mosquitto up, the service gone: no reply comes).

Imported as ``from kiosk_service import HallService`` (tests/ is on sys.path).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from broker.service import BrokerService
from hallq import contract
from hallq.client import CommandClient
from hallq.config import HallConfig
from hallq.contract import OkReply
from hallq.core.engine import Engine
from hallq.fakes import FakeLink
from hallq.protocol import encode
from hallq.store import EventStore


class InstantCommands(CommandClient):
    """``CommandClient`` for a FakeLink whose service answers inside ``publish()``: a reply
    that is not there when ``publish()`` returns is not coming, so nothing waits a timeout."""

    def send(self, op: str, *, timeout: float = 5.0, **fields: Any) -> OkReply:
        return super().send(op, timeout=0.0, **fields)


class HallService:
    """``BrokerService`` answering ``link``'s commands; every window opened by its counter."""

    def __init__(self, cfg: HallConfig, link: FakeLink, store_dir: Path) -> None:
        self.cfg, self.link = cfg, link
        self.offset_s = 0.0  # ``advance()`` moves the service's clock ahead
        self.answering = True  # False: the service stopped, Mosquitto still up
        self.replies_lost = False  # True: the service decides, its replies are lost
        self.delay_s = 0.0  # answer an issue this late (the "getting your ticket" screen)
        store = EventStore(Path(store_dir) / "hallq.db")
        engine = Engine(cfg.layout())
        self.service = BrokerService(cfg, store=store, engine=engine, link=link, clock=self.clock)
        self.service.load()
        link.answer = self._answer
        for d in cfg.devices:
            if d.role == "counter":
                self.command(d.id, "open")

    @property
    def engine(self):
        return self.service.engine

    def clock(self) -> float:
        return time.time() + self.offset_s

    def advance(self, seconds: float) -> None:
        """Time passes; the next command (``tick()`` or any other) sees it."""
        self.offset_s += seconds

    def tick(self) -> None:
        """A command from a display: the service's periodic work runs first, then it answers."""
        display = next(d.id for d in self.cfg.devices if d.role == "display")
        self.command(display, "status")

    def command(self, device: str, op: str, **fields: Any) -> dict[str, Any]:
        """A command from another device (a counter, the board), decided like any other."""
        payload = {"id": CommandClient.new_id(), "op": op, **fields}
        return self.service.handle(device, encode(payload))

    def close_window(self, window: str) -> None:
        counter = next(d.id for d in self.cfg.devices if getattr(d, "window", None) == window)
        self.command(counter, "close")

    def sent(self) -> list[dict[str, Any]]:
        """The commands the kiosk sent, in order, as they went on the wire."""
        topic = self.link.topics.cmd(self.link.device)
        return [
            {k: v for k, v in p.items() if k != "sent_at"}
            for t, p in self.link.published
            if t == topic
        ]

    def presences(self) -> list[contract.Presence]:
        """The kiosk's presence messages, decoded with the contract as every reader does."""
        topic = self.link.topics.presence(self.link.device)
        return [
            contract.decode(encode(p), contract.Presence)
            for t, p in self.link.published
            if t == topic
        ]

    def _answer(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        if not self.answering:
            return None
        if payload.get("op") == "issue" and self.delay_s:
            time.sleep(self.delay_s)
        reply = self.service.handle(self.link.device, encode(payload))
        return None if self.replies_lost else reply

    def close(self) -> None:
        self.service.store.close()


def kiosk_link(cfg: HallConfig, device: str = "kiosk1") -> FakeLink:
    return FakeLink(cfg.hall.id, device)
