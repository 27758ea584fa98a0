"""The hall's bridge to its region (``[region]`` in hall.toml): the Mosquitto config section.

Written by ``hallq mqtt-config`` at the end of the hall's mosquitto.conf. The hall's own
Mosquitto dials out to the region's (the region never reaches into a hall's LAN) as the MQTT
user named after the hall, with the password the region issued (``hallq region mqtt-config``).

- **out**: ``hallq/<hall>/state/#``, ``event/#``, ``presence/#`` (QoS 1).
- **out** too: ``hallq/<hall>/ask/#``: a counter's booking request (broker/region_relay.py).
- **in**: ``hallq/<hall>/region/#`` only: bookings the region made for this hall, and its
  answers to this hall's booking requests (``region/answer``).
- **link state**: Mosquitto's bridge notification, retained on both sides at
  ``hallq/<hall>/bridge/region``: ``1`` while up, ``0`` (the bridge's last will at the region)
  once the region has not heard from the hall for 1.5 keep-alives.

**A heartbeat.** Mosquitto notices a dead bridge only by keep-alive, and 2.0 checks that
coarsely (a cut link showed as down 7-13 s later with the 5 s minimum keep-alive), so the
hall's Mosquitto also sends its ``$SYS/broker/uptime`` every ``SYS_INTERVAL_S`` to
``hallq/<hall>/bridge/uptime`` (QoS 0: never queued, so no flood of old ticks after a cut);
the region calls a hall unreachable when its ticks stop (region/view.py), within seconds.

**While the WAN is down** the hall serves on alone. The bridge is a persistent session
(``cleansession false``): QoS 1 messages for it queue in the hall's Mosquitto, at most
``max_queued_messages`` (100,000, hall-wide: about five busy days of events) and
``max_queued_bytes`` (MAX_QUEUED_BYTES); beyond that the newest are dropped, which costs the
region some events of a long outage, never the hall anything: retained state catches up at
once on reconnect, and the hall's own store keeps every event. Mosquitto does not persist
(``persistence false``), so a queue still waiting when the hall's Mosquitto restarts is lost.
The region's commands for this hall queue at the region the same way (its session there is
persistent too) and retained bookings are delivered again on every (re)connect.
"""

from __future__ import annotations

from pathlib import Path

from hallq.config import ConfigError, HallConfig, RegionLink

MAX_QUEUED_BYTES = 256 * 1024 * 1024  # a hall server has the RAM; 100,000 msgs of ~1 KB fit
SYS_INTERVAL_S = 2  # the heartbeat the region watches: ~25 bytes every 2 s per hall


def region_password(cfg: HallConfig, region: RegionLink) -> str:
    """The hall's password at the region, from the file the region gave it."""
    path = cfg.resolve(region.password_file)
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            cfg.source,
            [
                f"region.password_file: cannot read {path} ({exc.strerror or exc}); copy the "
                f"file credentials/{cfg.hall.id} from `hallq region mqtt-config` there"
            ],
        ) from exc


def bridge_lines(cfg: HallConfig) -> list[str]:
    """The ``connection`` section for ``[region]`` (nothing without one). It must be the last
    section of mosquitto.conf: every line after ``connection`` belongs to the bridge."""
    region = cfg.region
    if region is None:
        return []
    hall = cfg.hall.id
    root = f"hallq/{hall}"
    lines = [
        "",
        f"# bridge to region {region.id} (generated from [region]; docs/deploy.md)",
        f"max_queued_bytes {MAX_QUEUED_BYTES}",
        f"sys_interval {SYS_INTERVAL_S}",
        f"connection region-{region.id}",
        f"address {region.host}:{region.port}",
        f"remote_username {hall}",
        f"remote_password {region_password(cfg, region)}",
        f"remote_clientid hallq-bridge-{hall}",
        "bridge_protocol_version mqttv311",
        "try_private false",  # broker-neutral: EMQX and others need no Mosquitto extension
        "cleansession false",
        "start_type automatic",
        "restart_timeout 1 5",  # back-off 1 s ... 5 s: the region sees the hall soon after
        f"keepalive_interval {region.keepalive_s}",
        "notifications true",
        f"notification_topic {root}/bridge/region",
        f"topic {root}/state/# out 1",
        f"topic {root}/event/# out 1",
        f"topic {root}/presence/# out 1",
        f"topic {root}/ask/# out 1",  # a counter's booking, relayed (broker/region_relay.py)
        f"topic {root}/region/# in 1",
        f"topic uptime out 0 $SYS/broker/ {root}/bridge/",  # the heartbeat
    ]
    if region.tls_ca_file:
        lines += [f"bridge_cafile {Path(cfg.resolve(region.tls_ca_file)).resolve()}"]
    return lines
