"""The bridge joining a hall's two Mosquittos (``mqtt.hosts``), written by ``hallq mqtt-config``.

A hall may run Mosquitto on both server Pis. Every process knows both (hallq.mqtt) and is on
whichever it reached, so the two must carry the same traffic: the Mosquitto on the second host
dials the first's and bridges the whole hall, ``hallq/<hall>/#``, both ways. One bridge, not
one per side: two would hand each message back and forth. With both up they are one bus; with
one gone the other carries the hall alone.

- **Mosquitto to Mosquitto** (``try_private true``): the first knows the second is a bridge,
  so nothing comes back the way it went, and retained messages keep their flag: each side
  holds the hall's retained state, and on (re)connecting Mosquitto sends each side's retained
  messages to the other (checked in tests/integration/test_failover.py).
- **Clean session**: nothing queues for a cut bridge; the retained state catches up when it
  is back, and events of the cut are in the service's store (the state the devices show is the
  retained state).
- **Link state**: Mosquitto's notification, retained at ``hallq-peer/<hall>`` on each side (its
  own view: ``1`` while the bridge is up, ``0`` once it is down), outside ``hallq/<hall>/`` so
  the bridge does not carry one side's view to the other. The queue service republishes its
  retained state whenever it sees ``1`` (broker/ha.py): whatever the two sides exchanged when
  they met again, the acting service's state is the last word.
- **The region bridge** (``[region]``) stays on the first host's Mosquitto only: two bridges
  of one hall would fight over its client id at the region. While the first host is gone the
  region does not hear from the hall (docs/deploy.md §9).

The bridge logs in at the first Mosquitto as ``PEER_USER`` (not a device id: ids begin with a
letter or digit), with its own password among the hall's credentials.
"""

from __future__ import annotations

from hallq.config import ConfigError, HallConfig
from hallq.protocol import Topics

PEER_USER = "_peer"
KEEPALIVE_S = 5  # Mosquitto's minimum: a dead first host is noticed within ~7 s


def host_index(cfg: HallConfig, host: str | None) -> int:
    """Which of ``mqtt.hosts`` ``host`` names (an entry as written, its host, or host:port)."""
    if host is None:
        return 0
    entries = cfg.mqtt.hosts or [cfg.mqtt.host]
    for i, ((name, port), entry) in enumerate(zip(cfg.mqtt.endpoints(), entries, strict=True)):
        if host in (entry, name, f"{name}:{port}"):
            return i
    raise ConfigError(
        cfg.source, [f"mqtt.hosts: {host!r} is not one of the hall's Mosquittos {entries}"]
    )


def peer_acl(cfg: HallConfig) -> list[str]:
    """What the bridge may do at the first Mosquitto, and everyone may read."""
    if len(cfg.mqtt.endpoints()) < 2:
        return []
    topic = Topics(cfg.hall.id).peer_link
    return [
        f"pattern read {topic}",  # everyone: is the other Mosquitto there?
        "",
        f"user {PEER_USER}",
        f"topic readwrite hallq/{cfg.hall.id}/#",
        f"topic write {topic}",
        "",
    ]


def peer_lines(cfg: HallConfig, on: int, password: str) -> list[str]:
    """The ``connection`` section for the Mosquitto on host ``on`` (none on the first)."""
    endpoints = cfg.mqtt.endpoints()
    if on == 0 or len(endpoints) < 2:
        return []
    (host, port), hall = endpoints[0], cfg.hall.id
    lines = [
        "",
        f"# bridge to the hall's first Mosquitto, {host}:{port} (mqtt.hosts; docs/deploy.md §9)",
        f"connection hallq-peer-{hall}",
        f"address {host}:{port}",
        f"remote_username {PEER_USER}",
        f"remote_password {password}",
        f"remote_clientid hallq-peer-{hall}-{on}",
        "bridge_protocol_version mqttv311",
        "try_private true",
        "cleansession true",
        "start_type automatic",
        "restart_timeout 1 2",
        f"keepalive_interval {KEEPALIVE_S}",
        "notifications true",
        f"notification_topic {Topics(hall).peer_link}",
        f"topic hallq/{hall}/# both 1",
    ]
    tls = cfg.mqtt.tls
    if tls is not None:
        lines.append(f"bridge_cafile {cfg.resolve(tls.ca_file).resolve()}")
        if tls.require_client_cert and tls.server_cert_file and tls.server_key_file:
            # this Mosquitto's own certificate is the bridge's client certificate
            lines += [
                f"bridge_certfile {cfg.resolve(tls.server_cert_file).resolve()}",
                f"bridge_keyfile {cfg.resolve(tls.server_key_file).resolve()}",
            ]
    return lines
