"""``hall.toml``: one file that describes a hall, decoded into typed, validated objects.

Decoding (msgspec) rejects unknown keys and wrong types and names the key path; a second pass
checks what a schema cannot: duplicates and references between sections. ``load_config`` raises
:class:`ConfigError` listing every problem, so ``hallq check-config`` can report them all.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import msgspec

from hallq.config_hardware import (
    BoardConfig,
    EvaluatorConfig,
    KeypadConfig,
    PrinterConfig,
    VoiceConfig,
)
from hallq.errors import HallqError

from .core.model import (
    Calendar,
    Layout,
    MatterMode,
    MatterSpec,
    OpeningHours,
    PriorityClassSpec,
    PriorityPolicy,
    RoomSpec,
    ServiceSpec,
    Tier,
    WindowSpec,
)

Id = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
Prefix = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{1,3}$")]
HHMM = Annotated[str, msgspec.Meta(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]
HoursSpan = Annotated[
    str, msgspec.Meta(pattern=r"^(([01]\d|2[0-3]):[0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)$")
]  # "08:30-17:30"
DateOrRange = Annotated[
    str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$")
]  # "2026-10-01" or "2026-10-01/2026-10-07" (both days included)
PositiveMin = Annotated[float, msgspec.Meta(gt=0, le=24 * 60)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
HallNo = Annotated[int, msgspec.Meta(ge=0, le=127)]  # a hall's number in its region's booking codes
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(HallqError, ValueError):
    """The hall config is unreadable or invalid; ``problems`` lists each with its key path."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """The base of every config section (hall.toml and region.toml): unknown keys are errors."""


class Named(Strict, kw_only=True):
    """A section with an id and a name in Chinese and (optionally) English."""

    id: Id
    name: str
    name_en: str = ""


class Place(Named, kw_only=True):
    """A hall's ``[hall]`` or a region's ``[region]``: who it is and its time zone."""

    timezone: str = "Asia/Shanghai"


def workdays() -> list[Weekday]:
    """The default ``weekdays``: Monday to Friday."""
    return ["mon", "tue", "wed", "thu", "fri"]


class HallInfo(Place, kw_only=True):
    day_starts: HHMM = "03:00"
    opens: HHMM = "08:30"
    closes: HHMM = "17:30"
    weekdays: list[Weekday] = msgspec.field(default_factory=workdays)
    ticket_qr: str = ""  # URL template for the ticket's QR code, {hall} and {ticket} filled in
    ticket_footer: str = "请留意叫号，过号请重新取号"
    notice: str = ""  # scrolling notice on the wall displays


class ServiceHours(Strict, kw_only=True):
    """``[calendar.services.<code>]``: when a service takes tickets (within the hall's hours)."""

    opens: HHMM = "00:00"
    until: HHMM = "24:00"  # e.g. 不动产 stops issuing at 16:30


class CalendarCfg(Strict, kw_only=True):
    """``[calendar]``: the hall's year. The State Council's yearly notice maps onto
    ``holidays`` (放假) and ``makeup_days`` (调休上班); docs/config.md."""

    # per weekday, replacing [hall] opens-closes on that day (e.g. sat = "09:00-12:00")
    hours: dict[Weekday, HoursSpan] = msgspec.field(default_factory=dict)
    holidays: list[DateOrRange] = msgspec.field(default_factory=list)
    makeup_days: list[DateOrRange] = msgspec.field(default_factory=list)
    lunch: HoursSpan | None = None
    lunch_issuing: Literal["continue", "pause"] = "continue"
    services: dict[str, ServiceHours] = msgspec.field(default_factory=dict)


class Policy(Strict, kw_only=True):
    priority_ratio: Annotated[int, msgspec.Meta(ge=0, le=20)] = 2
    estimate_window: Annotated[int, msgspec.Meta(ge=1, le=500)] = 20
    # a case moving on to its next stage (一件事) goes ahead of new arrivals, at most this many
    # calls in a row per window while new arrivals wait; 0: it joins the back of the queue
    continuing_run: Annotated[int, msgspec.Meta(ge=0, le=20)] = 2
    # a department summoned to a joint review (联审) that has not confirmed after this many
    # minutes raises a board alert
    joint_confirm_min: Annotated[float, msgspec.Meta(gt=0, le=120)] = 5
    # which rule balances the windows (docs/simulation.md compares them on three hall shapes):
    # "guarded_cmu" (c-mu within an age cap, a window keeping to its own lines while they are
    # loaded: the lowest mean wait that keeps the longest wait within 10 % of the best rule),
    # or "default" (the rule before: primary before secondary, longest wait), "capped_cmu", ...
    routing: Literal[
        "default",
        "department_fifo",
        "dynamic",
        "fcfs_alis",
        "gcmu",
        "maxweight",
        "capped_cmu",
        "guarded_cmu",
    ] = "guarded_cmu"


class Room(Named, kw_only=True):
    """``[[rooms]]``: a joint-review room (联审室) departments are summoned to; ``name`` is
    spoken and shown ("第一联审室")."""

    zone: str = ""  # the floor's displays call the citizen there


class Department(Named, kw_only=True):
    pass


class Service(Strict, kw_only=True):
    code: Id
    name: str
    name_en: str = ""
    department: Id
    prefix: Prefix | None = None  # ticket prefix; defaults to the code when it is 1-3 letters
    target_wait_min: PositiveMin = 20
    avg_service_min: PositiveMin = 8
    daily_cap: Annotated[int, msgspec.Meta(ge=1)] | None = None

    @property
    def ticket_prefix(self) -> str:
        return self.prefix or self.code.upper()


class WindowCfg(Named, kw_only=True):
    """``[[windows]]``; ``name`` is spoken and shown ("5号窗口")."""

    department: Id
    zone: str = ""
    primary: list[Id] = msgspec.field(default_factory=list)
    secondary: list[Id] = msgspec.field(default_factory=list)
    agency: bool = False  # an agency desk (帮办代办): carries cases for citizens


class PriorityClass(Named, kw_only=True):
    policy: Literal["front", "boost"] = "front"
    boost_min: Annotated[float, msgspec.Meta(ge=0, le=600)] = 0


class JointStage(Strict, kw_only=True):
    """A stage of a matter that is a joint review (联审联批): ``departments`` meet the citizen in
    ``room``; ``service`` is what the stage is (its queue, its name on the ticket, reports)."""

    service: Id
    joint: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=8)]
    room: Id


class Matter(Named, kw_only=True):
    """``[[matters]]``: a matter (一件事) served as one case with one ticket number.

    ``stages`` in order; each item a service code, a list of codes done in any order, or a
    joint stage ``{service, joint = [departments], room}``."""

    stages: Annotated[
        list[Id | Annotated[list[Id], msgspec.Meta(min_length=1)] | JointStage],
        msgspec.Meta(min_length=1),
    ]
    mode: Literal["steps", "one_window"] = "steps"

    def stage_codes(self) -> tuple[tuple[str, ...], ...]:
        return tuple(_codes(s) for s in self.stages)

    def joint_stages(self) -> dict[int, tuple[str, tuple[str, ...]]]:
        """Stage index -> (room, departments) of each joint stage."""
        return {
            i: (s.room, tuple(s.joint))
            for i, s in enumerate(self.stages)
            if isinstance(s, JointStage)
        }


def _codes(stage: str | list[str] | JointStage) -> tuple[str, ...]:
    if isinstance(stage, JointStage):
        return (stage.service,)
    return (stage,) if isinstance(stage, str) else tuple(stage)


class _Device(Strict, tag_field="role"):
    id: Id

    @property
    def role(self) -> str:
        """The device's role: its tag in the config ("kiosk", "counter", ...)."""
        return str(self.__struct_config__.tag)


class KioskDevice(_Device, kw_only=True, tag="kiosk"):
    printer: PrinterConfig = PrinterConfig()
    lang: Literal["zh", "en"] = "zh"
    departments: list[Id] = msgspec.field(default_factory=list)  # empty = all
    scanner: str | None = None  # serial port of a barcode/QR scanner, or None
    idle_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 20
    font: str | None = None


class CounterDevice(_Device, kw_only=True, tag="counter"):
    window: Id
    mode: Literal["screen", "keypad"] = "screen"
    keypad: KeypadConfig | None = None
    board: BoardConfig | None = None
    evaluator: Id | None = None  # the evaluator device at this window
    scanner: str | None = None  # keypad mode: serial port of the staff-card scanner, or None


class EvaluatorDevice(_Device, kw_only=True, tag="evaluator"):
    window: Id
    buttons: EvaluatorConfig | None = None  # None = on-screen evaluator


class WindowBoardBinding(Strict, kw_only=True):
    window: Id
    board: BoardConfig


class DisplayDevice(_Device, kw_only=True, tag="display"):
    zone: str = ""  # empty = whole hall
    voice: VoiceConfig | None = None  # announcer for this zone; None = silent display
    boards: list[WindowBoardBinding] = msgspec.field(default_factory=list)
    recent: Annotated[int, msgspec.Meta(ge=1, le=20)] = 8
    font: str | None = None


class BrokerDevice(_Device, kw_only=True, tag="broker"):
    store: str = "hallq.db"


class BoardDevice(_Device, kw_only=True, tag="board"):
    host: str = "127.0.0.1"
    port: Port = 8080
    users_file: str = "board-users.json"
    tls_cert_file: str | None = None  # set (with tls_key_file): serve HTTPS, Secure cookies
    tls_key_file: str | None = None
    followup_days: Annotated[int, msgspec.Meta(ge=1, le=60)] = 5  # 差评整改: working days


class LedDevice(_Device, kw_only=True, tag="led"):
    """A third-party read-only device (LED wall, signage) that only subscribes."""


Device = (
    KioskDevice
    | CounterDevice
    | EvaluatorDevice
    | DisplayDevice
    | BrokerDevice
    | BoardDevice
    | LedDevice
)


D = TypeVar("D", bound=_Device)


def require_role(cfg: HallConfig, device_id: str | None, kind: type[D]) -> D:
    """The device ``device_id`` if it has the role ``kind`` (None: the config's first one).

    The one role check of every entry point: a wrong or unknown id is a ConfigError naming
    both roles, reported like any other config problem (exit code 2)."""
    role = str(kind.__struct_config__.tag)
    if device_id is None:
        found = next((d for d in cfg.devices if isinstance(d, kind)), None)
        if found is None:
            raise ConfigError(cfg.source, [f"devices: no device with role {role!r}"])
        return found
    device = cfg.device(device_id)
    if not isinstance(device, kind):
        article = "an" if role[0] in "aeiou" else "a"
        raise ConfigError(
            cfg.source, [f"devices: {device_id!r} is a {device.role}, not {article} {role}"]
        )
    return device


class Tls(Strict, kw_only=True):
    """MQTT over TLS. Two sides, kept apart:

    - clients (every device and the service): ``ca_file`` verifies Mosquitto's certificate;
      ``cert_file``/``key_file`` are this machine's own *client* certificate, sent only for
      mutual TLS (``require_client_cert``). Relative paths: from the hall.toml's folder.
    - Mosquitto: ``server_cert_file``/``server_key_file`` are read only by ``hallq
      mqtt-config`` (they stay on the server); with ``require_client_cert`` Mosquitto also
      checks each client's certificate against ``ca_file``.
    """

    ca_file: str
    cert_file: str | None = None
    key_file: str | None = None
    server_cert_file: str | None = None
    server_key_file: str | None = None
    require_client_cert: bool = False

    def __post_init__(self) -> None:
        if self.key_file and not self.cert_file:
            raise ValueError("key_file needs cert_file (the client certificate)")
        if bool(self.server_cert_file) != bool(self.server_key_file):
            raise ValueError("server_cert_file and server_key_file go together")


MAX_MQTT_HOSTS = 2  # the hall's two server Pis; a third would need a bridge mesh (deploy.md §9)


class Mqtt(Strict, kw_only=True):
    """``[mqtt]``. ``hosts``: the hall's Mosquittos in order, ``"host"`` or ``"host:port"``
    (default: ``[host]``); every process tries them in this order and stays on one that works
    (hallq.mqtt, docs/deploy.md §9)."""

    host: str = "127.0.0.1"
    port: Port = 1883
    hosts: list[str] | None = None
    websockets_port: Port | None = None
    tls: Tls | None = None
    keepalive_s: Annotated[int, msgspec.Meta(ge=5, le=3600)] = 15
    credentials_dir: str = "run/mosquitto/credentials"  # one file per device id, mode 0600
    password_env: str = "HALLQ_MQTT_PASSWORD"  # overrides the file when set
    # state/window/<w> also carries the window's services map (contract v1). Set false once no
    # integration reads it there: the map (3 KB for a 综合窗口) then goes only on
    # state/window_services/<w>, which changes only with set_services (docs/protocol.md)
    window_services_in_state: bool = True

    def __post_init__(self) -> None:
        if self.hosts is not None:
            parsed = [parse_endpoint(h, self.port) for h in self.hosts]  # ValueError: says which
            if not 1 <= len(parsed) <= MAX_MQTT_HOSTS:
                raise ValueError(
                    f"hosts: {len(parsed)} entries; give 1 or {MAX_MQTT_HOSTS} (the Mosquittos "
                    "on the hall's server Pis, bridged to each other)"
                )
            if len(set(parsed)) != len(parsed):
                raise ValueError(f"hosts: {self.hosts} names one Mosquitto twice")

    def endpoints(self) -> list[tuple[str, int]]:
        """The hall's Mosquittos, in the order every process tries them."""
        if self.hosts is None:
            return [(self.host, self.port)]
        return [parse_endpoint(h, self.port) for h in self.hosts]


def parse_endpoint(text: str, default_port: int) -> tuple[str, int]:
    """``"192.168.10.2"``, ``"192.168.10.2:1884"``, ``"[fd00::2]:1883"`` -> (host, port)."""
    host, port = text.strip(), str(default_port)
    if host.startswith("["):
        host, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":") or port
    elif host.count(":") == 1:
        host, port = host.split(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"hosts: {text!r} is not a host or host:port")
    return host, int(port)


class RegionLink(Strict, kw_only=True):
    """``[region]``: this hall's link to its region (county) centre, a Mosquitto bridge
    (broker/bridge.py, docs/deploy.md "The region"). Paths are relative to the hall.toml."""

    id: Id  # the region's id
    host: str
    port: Port = 1883
    hall_no: HallNo
    password_file: str = "region/bridge-password"  # from `hallq region mqtt-config`
    booking_key_file: str = "region/booking.key"  # this hall's key for booking codes
    tls_ca_file: str | None = None  # set: the bridge uses TLS, checking the region's certificate
    keepalive_s: Annotated[int, msgspec.Meta(ge=2, le=300)] = 5
    checkin_margin_min: Annotated[int, msgspec.Meta(ge=0, le=240)] = 30


class HallConfig(Strict, kw_only=True):
    hall: HallInfo
    policy: Policy = Policy()
    departments: list[Department] = msgspec.field(default_factory=list)
    services: list[Service] = msgspec.field(default_factory=list)
    windows: list[WindowCfg] = msgspec.field(default_factory=list)
    priority_classes: list[PriorityClass] = msgspec.field(default_factory=list)
    matters: list[Matter] = msgspec.field(default_factory=list)
    rooms: list[Room] = msgspec.field(default_factory=list)
    devices: list[Device] = msgspec.field(default_factory=list)
    mqtt: Mqtt = Mqtt()
    region: RegionLink | None = None
    calendar: CalendarCfg = CalendarCfg()
    source: str = ""  # filled in by load_config: the file it came from

    def device(self, device_id: str) -> Device:
        for d in self.devices:
            if d.id == device_id:
                return d
        raise ConfigError(self.source, [f"devices: no device with id {device_id!r}"])

    def service(self, code: str) -> Service:
        return next(s for s in self.services if s.code == code)

    def window(self, window_id: str) -> WindowCfg:
        return next(w for w in self.windows if w.id == window_id)

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(path)
        return p if p.is_absolute() else Path(self.source).parent / p

    def password(self, device_id: str) -> str | None:
        """The device's MQTT password: environment first, then its credentials file."""
        if os.environ.get(self.mqtt.password_env):
            return os.environ[self.mqtt.password_env]
        f = self.resolve(self.mqtt.credentials_dir) / device_id
        return f.read_text().strip() if f.exists() else None

    def layout(self) -> Layout:
        return to_layout(self)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _span(text: str) -> tuple[int, int]:
    start, end = text.split("-")
    return (_minutes(start), _minutes(end))


def expand_dates(entries: list[str]) -> frozenset[str]:
    """ISO dates from entries that are a date or an inclusive range ``start/end``."""
    out: set[str] = set()
    for entry in entries:
        first, _, last = entry.partition("/")
        day, end = date.fromisoformat(first), date.fromisoformat(last or first)
        while day <= end:
            out.add(day.isoformat())
            day += timedelta(days=1)
    return frozenset(out)


def to_calendar(cal: CalendarCfg) -> Calendar:
    """The engine's calendar from ``[calendar]`` (checked by config_check first)."""
    return Calendar(
        day_hours={WEEKDAYS.index(d): _span(v) for d, v in cal.hours.items()},
        holidays=expand_dates(cal.holidays),
        makeup_days=expand_dates(cal.makeup_days),
        lunch=None if cal.lunch is None else _span(cal.lunch),
        lunch_issuing=cal.lunch_issuing == "continue",
        service_hours={
            code: (_minutes(h.opens), _minutes(h.until)) for code, h in cal.services.items()
        },
    )


def to_layout(cfg: HallConfig) -> Layout:
    """The engine's view of the hall (plain dataclasses, no msgspec)."""
    h = cfg.hall
    services = {
        s.code: ServiceSpec(
            s.code,
            s.ticket_prefix,
            s.name,
            s.name_en or s.name,
            s.department,
            s.target_wait_min,
            s.avg_service_min,
            s.daily_cap,
        )
        for s in cfg.services
    }
    windows = {
        w.id: WindowSpec(
            w.id,
            w.name,
            w.name_en or w.name,
            w.department,
            {**{c: Tier.SECONDARY for c in w.secondary}, **{c: Tier.PRIMARY for c in w.primary}},
            w.zone,
            w.agency,
        )
        for w in cfg.windows
    }
    classes = {
        p.id: PriorityClassSpec(
            p.id, p.name, p.name_en or p.name, PriorityPolicy(p.policy), p.boost_min
        )
        for p in cfg.priority_classes
    }
    matters = {
        m.id: MatterSpec(
            m.id,
            m.name,
            m.name_en or m.name,
            m.stage_codes(),
            MatterMode(m.mode),
            m.joint_stages(),
        )
        for m in cfg.matters
    }
    hours = OpeningHours(
        _minutes(h.opens), _minutes(h.closes), frozenset(WEEKDAYS.index(d) for d in h.weekdays)
    )
    return Layout(
        h.id,
        services,
        windows,
        classes,
        cfg.policy.priority_ratio,
        h.timezone,
        _minutes(h.day_starts),
        hours,
        cfg.policy.estimate_window,
        to_calendar(cfg.calendar),
        matters,
        cfg.policy.continuing_run,
        {r.id: RoomSpec(r.id, r.name, r.name_en or r.name, r.zone) for r in cfg.rooms},
        {d.id: (d.name, d.name_en or d.name) for d in cfg.departments},
        cfg.policy.joint_confirm_min * 60,
    )


def load_config(path: str | Path) -> HallConfig:
    """Read, decode and cross-check a hall config; raise ConfigError naming every problem."""
    return decode_config(read_toml(path), str(path))


def decode_config(raw: dict[str, object], source: str = "<config>") -> HallConfig:
    from .config_check import cross_check

    return decode_checked(raw, source, HallConfig, cross_check)


def read_toml(path: str | Path) -> dict[str, object]:
    """A config file's TOML; ConfigError when it cannot be read or is not TOML."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(path, [f"cannot read: {exc.strerror or exc}"]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from exc


C = TypeVar("C", bound=Strict)


def decode_checked(
    raw: dict[str, object], source: str, kind: type[C], cross_check: Callable[[C], list[str]]
) -> C:
    """``raw`` (with ``source``) decoded into ``kind``, then cross-checked: ConfigError names
    the first type problem, or every problem the cross check finds."""
    try:
        cfg = msgspec.convert({**raw, "source": source}, kind)
    except msgspec.ValidationError as exc:
        raise ConfigError(source, [_readable(str(exc))]) from exc
    problems = cross_check(cfg)
    if problems:
        raise ConfigError(source, problems)
    return cfg


def _readable(message: str) -> str:
    """msgspec says "Expected `int`, got `str` - at `$.services[3].target_wait_min`"."""
    m = re.match(r"(.*?) - at `\$\.?(.*)`$", message)
    return f"{m.group(2)}: {m.group(1)}" if m else message
