"""``region.toml``: the region (county) centre — its halls, managers, MQTT and booking slots.

Decoded by msgspec like hall.toml: unknown keys and wrong types name their key path; a second
pass checks references (a manager's or a slot's hall must be listed). Example:
``examples/region.toml``; reference: docs/region.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import msgspec

from hallq.config import (
    HHMM,
    HallNo,
    Id,
    Named,
    Place,
    Port,
    Strict,
    Weekday,
    decode_checked,
    read_toml,
    workdays,
)

ALL = "*"


class RegionInfo(Place, kw_only=True):
    """``[region]``: the region's id, names and time zone (like a hall's ``[hall]``)."""


class RegionMqtt(Strict, kw_only=True):
    host: str = "127.0.0.1"
    port: Port = 1883
    credentials_dir: str = "mosquitto/credentials"  # region service's and each hall's password
    keys_dir: str = "keys"  # each hall's booking key (copy it to that hall only)
    persistence_dir: str = "mosquitto/data"  # retained state survives a region restart
    ca_file: str | None = None  # TLS listener: all three or none
    server_cert_file: str | None = None
    server_key_file: str | None = None


class RegionBoard(Strict, kw_only=True):
    host: str = "127.0.0.1"
    port: Port = 8090
    users_file: str = "region-users.json"
    store: str = "region.db"


class HallEntry(Named, kw_only=True):
    level: Literal["county", "township"] = "township"
    hall_no: HallNo  # the hall's [region].hall_no


class Manager(Strict, kw_only=True):
    """A login of the region board and the halls it may see and act on (["*"]: all)."""

    user: str
    halls: list[str]

    @property
    def is_county(self) -> bool:
        return ALL in self.halls


class SlotPlan(Strict, kw_only=True):
    """Bookable slots of one service at one hall, the same on each listed weekday."""

    hall: Id
    service: Id
    service_name: str = ""
    times: list[HHMM]
    minutes: Annotated[int, msgspec.Meta(ge=15, le=225, multiple_of=15)] = 30
    capacity: Annotated[int, msgspec.Meta(ge=1, le=500)] = 4
    weekdays: list[Weekday] = msgspec.field(default_factory=workdays)


class RegionConfig(Strict, kw_only=True):
    region: RegionInfo
    mqtt: RegionMqtt = RegionMqtt()
    board: RegionBoard = RegionBoard()
    halls: list[HallEntry]
    managers: list[Manager] = msgspec.field(default_factory=list)
    slots: list[SlotPlan] = msgspec.field(default_factory=list)
    booking_days_ahead: Annotated[int, msgspec.Meta(ge=0, le=90)] = 14
    source: str = ""

    def resolve(self, path: str) -> Path:
        p = Path(path)
        return p if p.is_absolute() else Path(self.source).parent / p

    def hall(self, hall_id: str) -> HallEntry:
        return next(h for h in self.halls if h.id == hall_id)

    def scope(self, user: str) -> set[str]:
        """The halls ``user`` may see and act on (empty: none)."""
        m = next((m for m in self.managers if m.user == user), None)
        if m is None:
            return set()
        return {h.id for h in self.halls} if m.is_county else set(m.halls)

    def password(self, user: str) -> str | None:
        f = self.resolve(self.mqtt.credentials_dir) / user
        return f.read_text().strip() if f.exists() else None


def _cross_check(cfg: RegionConfig) -> list[str]:
    ids = [h.id for h in cfg.halls]
    problems = [f"halls: duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    nos = [h.hall_no for h in cfg.halls]
    problems += [
        f"halls: duplicate hall_no {n}" for n in sorted({n for n in nos if nos.count(n) > 1})
    ]
    if "region" in ids:
        problems.append("halls: 'region' is the region service's own MQTT user")
    for i, m in enumerate(cfg.managers):
        problems += [
            f"managers[{i}].halls: no hall {h!r}" for h in m.halls if h != ALL and h not in ids
        ]
    problems += [
        f"slots[{i}].hall: no hall {s.hall!r}" for i, s in enumerate(cfg.slots) if s.hall not in ids
    ]
    return problems


def decode_region(raw: dict[str, object], source: str = "<region>") -> RegionConfig:
    return decode_checked(raw, source, RegionConfig, _cross_check)


def load_region(path: str | Path) -> RegionConfig:
    """Read, decode and cross-check a region.toml; ConfigError (hallq's) names every problem."""
    return decode_region(read_toml(path), str(path))
