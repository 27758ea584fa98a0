"""The one module that owns paho-mqtt: connection, last will, reconnect, publish, subscribe.

Decided here, once: MQTT 3.1.1 with a clean session (a command sent while the service was down
must not be replayed later), QoS 1 for commands, replies, state and events; retained state and
presence; a last will that marks the device offline; TCP_NODELAY on the socket (Nagle costs
~88 ms a round trip through Mosquitto, see PLATFORM.md); automatic reconnect with back-off.

**Several Mosquittos** (``mqtt.hosts``, the hall's two server Pis, bridged to each other): a
link starts on the first, **stays on the one it is connected to** (a lost connection is
retried there first: a restarted Mosquitto is back in a second), and after an attempt that
fails (cannot connect within CONNECT_TIMEOUT_S, or refused) tries the next one, wrapping
round (:class:`HostRing`). It never moves back by itself: where a device is does not matter
while the bridge joins the two, and one that just came back (perhaps with an old primary
booting on its Pi) gets no one who did not need it (docs/deploy.md §9).

**Offline publishing:** :meth:`MqttLink.publish` refuses (returns False) while disconnected
instead of queueing: a "call next" pressed during an outage must not fire minutes later. The
retained state a process owns is republished by its ``when_connected`` callback instead.
"""

from __future__ import annotations

import logging
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from hallq.errors import HallqError
from hallq.protocol import Topics, encode, topic_matches

log = logging.getLogger(__name__)
Handler = Callable[[str, bytes], None]
MAX_PUBLISH = 256 * 1024
# paho doubles the wait between tries up to this: after a Mosquitto restart, however long it
# was down, every device is back within this plus its connect time (issue 14: within 5 s)
RECONNECT_MAX_S = 2
# with another Mosquitto to go to, a dead machine's (no answer at all) is given up after this;
# a LAN connection (TLS included) takes milliseconds
CONNECT_TIMEOUT_S = 2.0
Endpoint = tuple[str, int]


class MqttError(HallqError, ConnectionError):
    """The MQTT link could not do what was asked."""


class MessageTooLarge(MqttError, ValueError):
    """A payload over the size limit (Mosquitto would drop the client, paho resend forever)."""


class HostRing:
    """Which of the hall's Mosquittos a link tries next (see the module's docstring)."""

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        if not endpoints:
            raise ValueError("no Mosquitto to connect to")
        self.endpoints = list(endpoints)
        self.index = 0

    @property
    def current(self) -> Endpoint:
        return self.endpoints[self.index]

    def failed(self) -> bool:
        """An attempt on the current one failed: move to the next. True if it moved."""
        self.index = (self.index + 1) % len(self.endpoints)
        return len(self.endpoints) > 1


class MqttLink:
    """One device's connection to the hall's Mosquitto (or the first of them that works)."""

    def __init__(
        self,
        host: str,
        port: int,
        hall: str,
        device: str,
        password: str | None,
        *,
        keepalive: int = 15,
        tls_ca: str | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        session: str | None = None,
        fallbacks: Sequence[Endpoint] = (),
    ) -> None:
        """``session``: a fixed client id with a persistent session (clean_session off), so
        the broker queues QoS 1 messages for this client while it is away: the region
        service, which must not miss a hall's events. Devices keep clean sessions.
        ``fallbacks``: the hall's other Mosquittos (host, port), tried in this order."""
        self.ring = HostRing([(host, port), *fallbacks])
        self.keepalive = keepalive
        self.session = session
        self.device, self.password = device, password
        self.topics = Topics(hall)
        self.tls = (tls_ca, tls_cert, tls_key)
        self.when_connected: Callable[[], None] | None = None
        self.when_disconnected: Callable[[], None] | None = None
        self._subs: list[tuple[str, Handler]] = []
        self._subs_lock = threading.Lock()  # a filter is subscribed once per connection
        self._presence: dict[str, Any] = {}
        self._connected = threading.Event()
        self._client: paho.Client | None = None
        self.since = time.time()

    @classmethod
    def from_config(cls, cfg: Any, device: str) -> MqttLink:
        """Build from a HallConfig (duck-typed to keep this module free of config imports).

        TLS: ``mqtt.tls.ca_file`` verifies Mosquitto; ``cert_file``/``key_file`` are this
        device's own client certificate (mutual TLS). The server_* files are Mosquitto's."""
        m = cfg.mqtt
        tls = m.tls
        (host, port), *fallbacks = m.endpoints()
        return cls(
            host,
            port,
            cfg.hall.id,
            device,
            cfg.password(device),
            keepalive=m.keepalive_s,
            tls_ca=tls and str(cfg.resolve(tls.ca_file)),
            tls_cert=tls and tls.cert_file and str(cfg.resolve(tls.cert_file)),
            tls_key=tls and tls.key_file and str(cfg.resolve(tls.key_file)),
            fallbacks=fallbacks,
        )

    # ------------------------------------------------------------ lifecycle
    @property
    def host(self) -> str:
        """The Mosquitto this link is on (or trying next)."""
        return self.ring.current[0]

    @property
    def port(self) -> int:
        return self.ring.current[1]

    @property
    def is_connected(self) -> bool:
        return self._connected.is_set()

    def wait_for_connection(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def start(self) -> None:
        """Connect in the background; reconnects by itself until stop()."""
        c = paho.Client(
            CallbackAPIVersion.VERSION2,
            # unique per connection: two links of one device (two terminals at a window, a
            # restart overlapping the old session) must not keep taking over each other
            client_id=self.session or f"{self.device}-{secrets.token_hex(4)}",
            protocol=paho.MQTTv311,
            clean_session=self.session is None,
        )
        c.username_pw_set(self.device, self.password)
        c.will_set(self.topics.presence(self.device), encode({"online": False}), 1, retain=True)
        c.reconnect_delay_set(min_delay=1, max_delay=RECONNECT_MAX_S)
        c.max_queued_messages_set(10_000)
        if self.tls[0]:
            c.tls_set(
                ca_certs=self.tls[0],
                certfile=self.tls[1],
                keyfile=self.tls[2],
                tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )
        if len(self.ring.endpoints) > 1:
            c.connect_timeout = CONNECT_TIMEOUT_S
        c.on_socket_open = _nodelay
        c.on_connect_fail = self._on_connect_fail
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_message
        self._client = c
        c.connect_async(self.host, self.port, self.keepalive)
        c.loop_start()

    def stop(self) -> None:
        """Say goodbye (presence offline, retained), disconnect, stop the network thread."""
        c = self._client
        if c is None:
            return
        if self.is_connected:
            info = c.publish(
                self.topics.presence(self.device), encode({"online": False}), 1, retain=True
            )
            info.wait_for_publish(timeout=2)
        self._connected.clear()
        c.disconnect()
        c.loop_stop()
        self._client = None
        self._connected.clear()

    # ------------------------------------------------------------ messaging
    def subscribe(self, topic_filter: str, handler: Handler) -> None:
        """Call ``handler(topic, payload)`` for each message; kept across reconnects."""
        with self._subs_lock:
            self._subs.append((topic_filter, handler))
            if self._client is not None and self.is_connected:
                self._client.subscribe(topic_filter, qos=1)

    def publish(self, topic: str, payload: Any, *, retain: bool = False, qos: int = 1) -> bool:
        """Publish a JSON payload (or raw bytes). False, and nothing queued, while offline."""
        data = payload if isinstance(payload, bytes) else encode(payload)
        if len(data) > MAX_PUBLISH:
            raise MessageTooLarge(f"{self.device}: {topic}: {len(data)} B > {MAX_PUBLISH} B")
        c = self._client
        if c is None or not self.is_connected:
            log.warning("offline: not publishing to %s", topic)
            return False
        return c.publish(topic, data, qos, retain=retain).rc == paho.MQTT_ERR_SUCCESS

    def set_presence(self, **fields: Any) -> None:
        """Merge device status into the retained presence message (e.g. printer paper)."""
        self._presence.update(fields)
        self._publish_presence()

    @property
    def via(self) -> str | None:
        """``host:port`` of the Mosquitto this link is on, in a hall with two of them (None
        with one): presence carries it, so a device can tell a copy bridged from a Mosquitto
        that is gone from a live one (hallq/service_watch.py)."""
        if len(self.ring.endpoints) < 2:
            return None
        return f"{self.host}:{self.port}"

    def _publish_presence(self) -> None:
        body = {"online": True, "since": self.since, "device": self.device, **self._presence}
        if self.via is not None:
            body["via"] = self.via
        self.publish(self.topics.presence(self.device), body, retain=True)

    # ------------------------------------------------------------ callbacks
    def _on_connect(self, client: paho.Client, _u: Any, _f: Any, rc: Any, _p: Any) -> None:
        if rc.is_failure:
            log.error("MQTT connect to %s:%s refused: %s", self.host, self.port, rc)
            self._next_host(client)
            return
        log.info("MQTT connected to %s:%s as %s", self.host, self.port, self.device)
        with self._subs_lock:  # a subscribe() racing this one is not sent twice (retained twice)
            for topic_filter in dict.fromkeys(f for f, _h in self._subs):
                client.subscribe(topic_filter, qos=1)
            self._connected.set()
        self._publish_presence()
        if self.when_connected:
            self.when_connected()

    def _on_connect_fail(self, client: paho.Client, _u: Any) -> None:
        log.warning("MQTT: cannot reach %s:%s", self.host, self.port)
        self._next_host(client)

    def _next_host(self, client: paho.Client) -> None:
        """paho's thread, between two attempts: aim the next one at the next Mosquitto."""
        if not self.ring.failed():
            return
        host, port = self.ring.current
        log.warning("MQTT: trying the hall's next Mosquitto, %s:%s", host, port)
        # paho's host/port setters refuse while it is between attempts of its reconnect loop;
        # the next reconnect() reads these two fields (pinned by tests/unit/test_mqtt_link.py)
        client._host, client._port = host, port
        client.reconnect_delay_set(min_delay=1, max_delay=RECONNECT_MAX_S)  # the short wait

    def _on_disconnect(self, _c: paho.Client, _u: Any, _f: Any, rc: Any, _p: Any) -> None:
        was = self.is_connected
        self._connected.clear()
        if was:
            log.warning("MQTT disconnected (%s); reconnecting", rc)
            if self.when_disconnected:
                self.when_disconnected()

    def _on_message(self, _c: paho.Client, _u: Any, msg: paho.MQTTMessage) -> None:
        for topic_filter, handler in self._subs:
            if topic_matches(topic_filter, msg.topic):
                try:
                    handler(msg.topic, msg.payload)
                except Exception:
                    log.exception("handler for %s failed", msg.topic)


def _nodelay(_c: paho.Client, _u: Any, sock: Any) -> None:
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass  # websockets/TLS wrappers without the option: Nagle stays on


class Swarm:
    """Many devices' connections driven by ONE thread, the caller's: no network thread per
    client. For load tests and simulators that stand in for a hall's devices (a benchmark of
    76 counters must measure the service, not 77 paho threads taking turns at one GIL).

    Each device is its own paho client and TCP connection, as on the hall's LAN. Nothing
    happens between calls: :meth:`pump` (or :meth:`run_until`) reads, writes and keeps the
    connections alive. Publishing from the same thread writes to the socket at once.
    Plain TCP only (a benchmark's private Mosquitto)."""

    def __init__(self, host: str, port: int, hall: str, *, keepalive: int = 60) -> None:
        import selectors

        self.host, self.port, self.keepalive = host, port, keepalive
        self.topics = Topics(hall)
        self._selector = selectors.DefaultSelector()
        self._clients: dict[str, paho.Client] = {}
        self._subs: dict[str, list[tuple[str, Handler]]] = {}
        self._acked: set[str] = set()
        self._last_misc = time.monotonic()

    @classmethod
    def from_config(cls, cfg: Any) -> Swarm:
        if cfg.mqtt.tls is not None:
            raise MqttError("Swarm speaks plain TCP only; this hall's Mosquitto wants TLS")
        (host, port), *_ = cfg.mqtt.endpoints()
        return cls(host, port, cfg.hall.id)

    def add(
        self, device: str, password: str | None, *, name: str = "", timeout: float = 10.0
    ) -> str:
        """Connect as ``device`` (blocking until Mosquitto accepts it, or MqttError); the
        connection is called ``name`` (default: the device) in the other methods."""
        import selectors

        c = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"{device}-{secrets.token_hex(4)}",
            protocol=paho.MQTTv311,
        )
        c.username_pw_set(device, password)
        c.on_socket_open = _nodelay
        name = name or device
        c.on_connect = lambda _c, _u, _f, rc, _p: rc == 0 and self._acked.add(name)
        c.on_message = lambda _c, _u, msg: self._dispatch(name, msg)
        self._clients[name] = c
        self._subs[name] = []
        try:
            c.connect(self.host, self.port, self.keepalive)
        except OSError as exc:
            where = f"{self.host}:{self.port}"
            raise MqttError(f"{device} could not connect to {where}: {exc}") from exc
        self._selector.register(c.socket(), selectors.EVENT_READ, name)
        if not self.run_until(lambda: name in self._acked, timeout):
            raise MqttError(f"{device} was not accepted by {self.host}:{self.port}")
        return name

    def subscribe(self, name: str, topic_filter: str, handler: Handler) -> None:
        self._subs[name].append((topic_filter, handler))
        self._clients[name].subscribe(topic_filter, qos=1)

    def publish(self, name: str, topic: str, payload: Any, *, qos: int = 1) -> None:
        data = payload if isinstance(payload, bytes) else encode(payload)
        self._clients[name].publish(topic, data, qos=qos)

    def pump(self, timeout: float = 0.0) -> None:
        """One round: wait up to ``timeout`` for traffic, read it (handlers run here), write
        what is pending, keep the connections alive."""
        for key, _mask in self._selector.select(timeout):
            self._clients[key.data].loop_read()
        for c in self._clients.values():
            if c.want_write():
                c.loop_write()
        if time.monotonic() - self._last_misc >= 1.0:
            self._last_misc = time.monotonic()
            for c in self._clients.values():
                c.loop_misc()

    def run_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Pump until ``done()`` or ``timeout`` seconds; returns done()."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return done()
            self.pump(min(left, 0.05))
        return True

    def stop(self) -> None:
        for name, c in self._clients.items():
            try:
                self._selector.unregister(c.socket())
            except (KeyError, ValueError, TypeError):
                pass
            c.disconnect()
            self._acked.discard(name)
        self._clients.clear()
        self._selector.close()

    def _dispatch(self, name: str, msg: paho.MQTTMessage) -> None:
        for topic_filter, handler in self._subs[name]:
            if topic_matches(topic_filter, msg.topic):
                handler(msg.topic, msg.payload)
