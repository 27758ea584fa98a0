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

    def __init__(self, services: Iterable[str], when_serving: Callable[[bool], None]) -> None:
        self.services = sorted(set(services))
        self.when_serving = when_serving
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
        if known and not any(p.online and p.mode in ACTING for p in known):
            return Reach.NO_SERVICE
        return Reach.OK


def service_devices(cfg: object) -> list[str]:
    """The hall's queue service instances (``role = "broker"``: primary and standby)."""
    return [d.id for d in getattr(cfg, "devices", []) if d.role == "broker"]
