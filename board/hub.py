"""The bridge from MQTT (paho's thread) to the browsers' SSE streams (the asyncio loop).

Each browser stream owns a bounded asyncio queue. A message from MQTT, decoded once by
:class:`hallq.state.StateClient` (a payload that does not decode is logged and ignored, the
last good one kept), updates the :class:`BoardState` under a lock and, when something
changed, is handed to every queue with ``loop.call_soon_threadsafe``. A browser too slow to
keep up is dropped; its EventSource reconnects and starts again from a full snapshot, so
nothing is silently lost.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from hallq.contract import Payload
from hallq.state import Feed, StateClient

from .advice import Names, advice_view
from .alerts import all_alerts, printer_states
from .state import BoardState

log = logging.getLogger(__name__)
QUEUE_SIZE = 2000
PRINTER_STATES = printer_states()


class Hub:
    """Holds the live state and the set of connected browsers."""

    def __init__(
        self,
        link: Any,
        roles: dict[str, str],
        departments: dict[str, str],
        *,
        clock: Callable[[], float] = time.time,
        info: dict[str, Any] | None = None,
        names: Names | None = None,
    ) -> None:
        self.link, self.clock, self.departments = link, clock, departments
        self.info = info or {}  # static facts for the page: hall name, service names
        self.names = names or Names()  # for the staffing advice's sentences
        self.state = BoardState(roles, priority_names=self.names.priority_classes)
        self._lock = threading.Lock()
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closing = False  # shutting down: streams end and new ones are not kept open

    # ---------------------------------------------------------------- MQTT side
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.link.when_connected = lambda: self.broadcast(self.link_status())
        self.link.when_disconnected = lambda: self.broadcast(self.link_status())
        self.follow(StateClient(self.link))
        self.link.start()

    def follow(self, state: StateClient) -> None:
        """Every payload the board shows, decoded once by the state client."""
        feeds: dict[str, Feed[Any]] = {
            "window": state.follow_windows(),
            "window_services": state.follow_window_services(),
            "service": state.follow_services(),
            "hall": state.follow_hall(),
            "advice": state.follow_advice(),
            "cases": state.follow_cases(),
            "joint": state.follow_joint(),
            "presence": state.follow_presence(),
            "called": state.follow_calls(),
        }
        for kind, feed in feeds.items():
            feed.listen(functools.partial(self.on_payload, kind))

    def stop(self) -> None:
        self.close_streams()
        self.link.stop()

    def close_streams(self) -> None:
        """End every browser stream now (shutdown), so the server need not cut them off."""
        self.closing = True
        self.broadcast(None)

    def on_payload(self, kind: str, key: str, payload: Payload | None) -> None:
        """One decoded message (on the link's thread): update the state, push the change."""
        with self._lock:
            change = self.state.apply(kind, key, payload, self.clock())
        if change is not None:
            self.broadcast({"type": "change", **change})

    def link_status(self) -> dict[str, Any]:
        return {"type": "link", "mqtt": bool(self.link.is_connected), "at": self.clock()}

    # ---------------------------------------------------------------- browser side
    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            snap = json.loads(json.dumps(self.state.snapshot()))
        now = self.clock()
        snap["alerts"] = [a.to_dict() for a in all_alerts(snap, now, self.departments)]
        snap["staffing"] = advice_view(snap["advice"], snap["windows"], self.names)
        snap["printer_states"] = PRINTER_STATES  # what the devices' printer values mean
        mqtt = bool(self.link.is_connected)
        return {"type": "snapshot", "now": now, "mqtt": mqtt, "info": self.info, **snap}

    def alerts(self) -> dict[str, Any]:
        snap = self.snapshot()
        return {
            "type": "alerts",
            "now": snap["now"],
            "alerts": snap["alerts"],
            "staffing": snap["staffing"],
        }

    def attach(self) -> asyncio.Queue[dict[str, Any] | None]:
        q: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(q)
        return q

    def detach(self, q: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._queues.discard(q)

    def broadcast(self, message: dict[str, Any] | None) -> None:
        """Thread-safe: queue ``message`` for every browser (None ends their streams)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._fan_out, message)
        except RuntimeError:
            pass  # the loop is shutting down

    def _fan_out(self, message: dict[str, Any] | None) -> None:
        for q in list(self._queues):
            try:
                q.put_nowait(message)
            except asyncio.QueueFull:
                log.warning("a browser fell behind; dropping its stream (it will reconnect)")
                self._queues.discard(q)
                while not q.empty():
                    q.get_nowait()
                q.put_nowait(None)
