"""Is the hall's queue service there? The device's own MQTT connection, plus the retained
presence of the hall's service instances (``presence/<broker device>``).

Mosquitto up but the service gone (stopped, crashed, its Pi dead) looks like "online" to a
device that only watches its connection: presses time out, the wall shows old numbers. The
service's presence says it plainly: its last will turns it ``{"online": false}`` the moment its
connection drops (at once for a killed process; after 1.5 keepalives for a dead machine), and
a running service publishes ``online`` again on every (re)connect. Counters and displays show
the outage from this and recover by themselves (docs/deploy.md §9).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from hallq.contract import Presence, ServiceMode


class Reach(StrEnum):
    """What a device can reach."""

    OK = "ok"
    NO_MQTT = "no_mqtt"  # Mosquitto unreachable: nothing comes or goes
    NO_SERVICE = "no_service"  # Mosquitto up, but no queue service is serving the hall


ACTING = {None, ServiceMode.PRIMARY}  # a standby or a fenced old primary serves nobody


class ServiceWatch:
    """Combines the connection and the services' presence; ``when_serving(False)`` when the
    service is seen gone while Mosquitto is up, ``when_serving(True)`` when it is back (on the
    link's thread). No presence heard yet counts as serving: no false alarm at start; a lost
    connection is the device's own "offline", not a service outage."""

    def __init__(
        self,
        services: Iterable[str],
        when_serving: Callable[[bool], None],
        here: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.services = sorted(set(services))
        self.when_serving = when_serving
        self.here = here  # the Mosquitto this device is on ("host:port"), with two of them
        self._peer: bool | None = None  # the two Mosquittos' bridge, when there are two
        self._connected = False
        self._presence: dict[str, Presence] = {}
        self._lock = threading.Lock()
        self._reach = Reach.NO_MQTT

    @property
    def reach(self) -> Reach:
        return self._reach

    def on_connection(self, up: bool) -> None:
        with self._lock:
            self._connected = up
        self._update()

    def on_presence(self, device: str, presence: Presence | None) -> None:
        """A state-client listener for ``presence/<service device>``."""
        with self._lock:
            if presence is None:
                self._presence.pop(device, None)
            else:
                self._presence[device] = presence
        self._update()

    def follow(self, state: Any, link: Any) -> None:
        """Subscribe to what it judges by: the services' presence (through the device's state
        client) and the bridge between the hall's two Mosquittos, if there are services."""
        if not self.services:
            return
        state.follow_presence(self.services).listen(self.on_presence)
        link.subscribe(link.topics.peer_link, self.on_peer_message)

    def on_peer_message(self, _topic: str, payload: bytes) -> None:
        """``hallq-peer/<hall>``: Mosquitto's bridge between the hall's two Mosquittos, "1" up,
        "0" down. While it is down, a service's presence that came over it (published on the
        other Mosquitto) is stale: that machine may be gone with its last will."""
        with self._lock:
            self._peer = {b"1": True, b"0": False}.get(payload.strip())
        self._update()

    def _update(self) -> None:
        with self._lock:
            was, self._reach = self._reach, self._judge()
            serving = self._reach is not Reach.NO_SERVICE
            changed = serving != (was is not Reach.NO_SERVICE)
        if changed:
            self.when_serving(serving)

    def _judge(self) -> Reach:
        if not self._connected:
            return Reach.NO_MQTT
        known = [p for d, p in self._presence.items() if d in self.services]
        if known and not any(self._acting(p) for p in known):
            return Reach.NO_SERVICE
        return Reach.OK

    def _acting(self, p: Presence) -> bool:
        if not (p.online and p.mode in ACTING):
            return False
        if self._peer is not False or p.via is None:
            return True
        # the bridge between the hall's two Mosquittos is down: only a primary that said so on
        # this device's own Mosquitto is known to serve (what came over the bridge is stale)
        return p.via == self.here() and p.mode is ServiceMode.PRIMARY


def service_devices(cfg: object) -> list[str]:
    """The hall's queue service instances (``role = "broker"``: primary and standby)."""
    return [d.id for d in getattr(cfg, "devices", []) if d.role == "broker"]
