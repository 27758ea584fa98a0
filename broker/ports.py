"""What the broker service needs of its adapters, as Protocols (cosmicpython's ports).

The real ones are :class:`hallq.mqtt.MqttLink` and :class:`hallq.store.EventStore`, built
from the config by ``app.bootstrap.build_broker``; tests pass :class:`hallq.fakes.FakeLink`
or a store of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from hallq.contract import StoreHealth
from hallq.core.model import Event

Handler = Callable[[str, bytes], None]
Reply = dict[str, Any]


class ServiceLink(Protocol):
    """The service's MQTT connection: publish returns False (nothing queued) while offline."""

    when_connected: Callable[[], None] | None

    def subscribe(self, topic_filter: str, handler: Handler) -> None: ...

    def publish(self, topic: str, payload: Any, *, retain: bool = False, qos: int = 1) -> bool: ...

    def set_presence(self, **fields: Any) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Store(Protocol):
    """The durable event log and the replies kept for idempotency."""

    def open(self) -> Any: ...

    def close(self) -> None: ...

    def append(
        self,
        events: Iterable[Event],
        day: str,
        command: tuple[str, str, Reply] | None = None,
        at: float = 0.0,
        *,
        commands: Iterable[tuple[str, str, Reply]] = (),
    ) -> None: ...

    def reply_for(self, device: str, cmd_id: str) -> Reply | None: ...

    def replay_rows(self) -> Iterator[tuple[int, Event]]: ...

    def forget_commands(self, keep_s: float, keep_rows: int = 0) -> int: ...

    # store health (broker/store_watch.py)
    def check(self) -> None: ...

    def health(self) -> StoreHealth: ...

    def wal_bytes(self) -> int: ...

    def checkpoint(self, *, truncate: bool = False) -> None: ...

    def keep_wal_small(self) -> bool: ...
