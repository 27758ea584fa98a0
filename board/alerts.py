"""What a hall manager should act on, computed from the board's state (pure functions).

Inputs are the retained-state dicts (docs/protocol.md): services carry ``waiting``,
``oldest_waiting_at``, ``target_wait_s``, ``est_wait_s``; windows ``status``, ``ticket``,
``services`` ({code: tier}); device presence ``online`` and, for kiosks, ``printer`` (a
``hallq.contract.PrinterPresence`` value: ``ok``, ``paper_low``, ``paper_out``, ...); the
broker service's presence carries ``store`` (``hallq.contract.StoreHealth``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from hallq.contract import PrinterPresence, StoreStatus

State = Mapping[str, Mapping[str, Any]]

STOPPED_ZH, STOPPED_EN = "，取号叫号已暂停", "; commands are refused"
STORE_PROBLEMS = {
    StoreStatus.DISK_FULL: ("存储不可写：磁盘已满", "Store not writable: disk full"),
    StoreStatus.READ_ONLY: (
        "存储不可写：文件系统只读",
        "Store not writable: read-only file system",
    ),
    StoreStatus.UNWRITABLE: (
        "存储不可写：无写权限或文件被锁定",
        "Store not writable: permission denied or file immutable",
    ),
    StoreStatus.MISSING: (
        "存储文件已被删除或替换，请从备份恢复并重启服务",
        "Store file deleted or replaced: restore the backup and restart the service",
    ),
    StoreStatus.CORRUPT: ("存储数据库已损坏", "Store database damaged"),
}


class Level(StrEnum):
    WARN = "warn"
    ALARM = "alarm"


class PrinterHealth(StrEnum):
    """How the board judges a kiosk's printer: only OK is shown as healthy."""

    OK = "ok"
    UNKNOWN = "unknown"  # not an alert (a write-only printer cannot say), but not shown healthy
    WARN = "warn"
    ALARM = "alarm"


# every value a kiosk's presence may carry (the page gets this table: board.js has no copy)
PRINTER_STATES: dict[PrinterPresence, tuple[PrinterHealth, str, str]] = {
    PrinterPresence.OK: (PrinterHealth.OK, "正常", "OK"),
    PrinterPresence.PAPER_LOW: (PrinterHealth.WARN, "纸将用完", "paper low"),
    PrinterPresence.PAPER_OUT: (PrinterHealth.ALARM, "缺纸", "paper out"),
    PrinterPresence.COVER_OPEN: (PrinterHealth.ALARM, "纸仓盖未关", "cover open"),
    PrinterPresence.OFFLINE: (PrinterHealth.ALARM, "离线", "offline"),
    PrinterPresence.UNKNOWN: (PrinterHealth.UNKNOWN, "状态未知", "status unknown"),
}


def printer_states() -> dict[str, dict[str, str]]:
    """The printer table as the page reads it: value -> {"health", "zh", "en"}."""
    return {
        value.value: {"health": health.value, "zh": zh, "en": en}
        for value, (health, zh, en) in PRINTER_STATES.items()
    }


@dataclass(frozen=True)
class Alert:
    kind: str  # over_target | forecast | idle_window | device_offline | printer | store | replay
    level: Level
    key: str  # what it is about: a service code, window id or device id
    zh: str
    en: str
    action: dict[str, Any] | None = field(default=None)  # a suggested manager command

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _minutes(seconds: float) -> int:
    return round(seconds / 60)


def longest_wait(service: Mapping[str, Any], now: float) -> float:
    oldest = service.get("oldest_waiting_at")
    return max(0.0, now - oldest) if oldest and service.get("waiting") else 0.0


def is_over_target(service: Mapping[str, Any], now: float) -> bool:
    target = service.get("target_wait_s") or 0
    return bool(target) and longest_wait(service, now) > target


def is_overflowing(service: Mapping[str, Any], now: float) -> bool:
    """Over target now, or a new ticket is expected to wait longer than the target."""
    target = service.get("target_wait_s") or 0
    est = service.get("est_wait_s") or 0
    return is_over_target(service, now) or bool(target and service.get("waiting") and est > target)


def service_alerts(services: State, now: float) -> list[Alert]:
    out = []
    for code, s in services.items():
        name, target = s.get("name", code), s.get("target_wait_s") or 0
        if is_over_target(s, now):
            m, t = _minutes(longest_wait(s, now)), _minutes(target)
            out.append(
                Alert(
                    "over_target",
                    Level.ALARM,
                    code,
                    f"{name} 最长已等 {m} 分钟，超过目标 {t} 分钟",
                    f"{s.get('name_en') or name}: longest wait {m} min, target {t} min",
                )
            )
        elif is_overflowing(s, now):
            m = _minutes(s.get("est_wait_s") or 0)
            out.append(
                Alert(
                    "forecast",
                    Level.WARN,
                    code,
                    f"{name} 新取号预计等 {m} 分钟，将超目标",
                    f"{s.get('name_en') or name}: a new ticket would wait {m} min",
                )
            )
    return out


def _is_idle(w: Mapping[str, Any], services: State) -> bool:
    if w.get("status") != "open" or w.get("ticket"):
        return False
    return not any((services.get(c) or {}).get("waiting") for c in w.get("services", {}))


def idle_window_alerts(
    windows: State, services: State, now: float, departments: Mapping[str, str] | None = None
) -> list[Alert]:
    """Open windows with nobody to serve while other services overflow, with a suggestion.

    ``departments`` maps window id -> department; a service of the window's own department is
    suggested first (its staff are more likely trained for it), then the longest queue.
    """
    over = [c for c, s in services.items() if is_overflowing(s, now)]
    out = []
    for wid, w in windows.items():
        candidates = [c for c in over if c not in w.get("services", {})]
        if not candidates or not _is_idle(w, services):
            continue
        dept = (departments or {}).get(wid)
        code = max(
            candidates,
            key=lambda c: (services[c].get("department") == dept, longest_wait(services[c], now)),
        )
        out.append(_suggest(wid, w, code, services[code]))
    return out


def _suggest(wid: str, w: Mapping[str, Any], code: str, s: Mapping[str, Any]) -> Alert:
    wname, sname = w.get("name") or wid, s.get("name") or code
    wname_en, sname_en = w.get("name_en") or wname, s.get("name_en") or sname
    services = {**w.get("services", {}), code: "secondary"}
    return Alert(
        "idle_window",
        Level.WARN,
        wid,
        f"{wname} 空闲：可将 {sname} 设为次要业务",
        f"{wname_en} is idle: it can take {sname_en} as secondary",
        {"op": "set_services", "window": wid, "services": services},
    )


def device_alerts(devices: State) -> list[Alert]:
    out = []
    for dev, p in devices.items():
        if not p.get("online"):
            out.append(Alert("device_offline", Level.ALARM, dev, f"{dev} 离线", f"{dev} offline"))
            continue
        out += printer_alerts(dev, p.get("printer"))
        store = p.get("store")
        if isinstance(store, Mapping):
            out += store_alerts(dev, store)
    return out


def printer_alerts(dev: str, printer: str | None) -> list[Alert]:
    """A kiosk's printer that needs someone: paper low (warn), out, cover open, offline."""
    try:
        health, zh, en = PRINTER_STATES[PrinterPresence(printer)]
    except ValueError:
        return []  # no printer (not a kiosk)
    if health not in (PrinterHealth.WARN, PrinterHealth.ALARM):
        return []
    level = Level(health.value)
    return [Alert("printer", level, dev, f"{dev} 打印机{zh}", f"{dev}: printer {en}")]


def store_alerts(dev: str, store: Mapping[str, Any]) -> list[Alert]:
    """The broker service's event store: an alarm when it cannot be written, a warning when
    its disk runs low. An unknown status (a newer service) is an alarm with its message."""
    try:
        status = StoreStatus(store.get("status"))
    except ValueError:
        text = str(store.get("message") or store.get("status"))
        return [Alert("store", Level.ALARM, dev, f"存储异常：{text}", f"Store problem: {text}")]
    if status is StoreStatus.OK:
        return []
    if status is StoreStatus.DISK_LOW:
        free = store.get("free_mb")
        zh, en = f"存储磁盘空间不足：剩余 {free} MB", f"Store disk space low: {free} MB free"
        return [Alert("store", Level.WARN, dev, zh, en)]
    zh, en = STORE_PROBLEMS[status]
    return [Alert("store", Level.ALARM, dev, zh + STOPPED_ZH, en + STOPPED_EN)]


def replay_alerts(hall: Mapping[str, Any]) -> list[Alert]:
    """Stored events the service skipped at start-up (``state/hall`` ``replay_faults``): the
    day's figures may be off until someone looks at its log (docs/architecture.md)."""
    faults = hall.get("replay_faults") or []
    if not faults:
        return []
    n = len(faults)
    return [
        Alert(
            "replay",
            Level.ALARM,
            "",
            f"服务启动时跳过了 {n} 条无法应用的存储事件，请查看服务日志 REPLAY SKIPPED",
            f"The service skipped {n} stored events at start-up: see its log (REPLAY SKIPPED)",
        )
    ]


def joint_alerts(reviews: Iterable[Mapping[str, Any]], now: float) -> list[Alert]:
    """A department summoned to a joint review (联审) that has not confirmed in time."""
    out = []
    for r in reviews:
        if r.get("status") == "closed":
            continue
        for p in r.get("parts", []):
            late = now - p.get("summoned_at", now)
            if p.get("confirmed_at") is not None or late <= r.get("confirm_within_s", 300):
                continue
            where = f"{r['review']} ({r['ticket']}, {r.get('room_name', r['room'])})"
            dep, win = p.get("department_name") or p["department"], p.get("window_name", "")
            out.append(
                Alert(
                    "joint_unconfirmed",
                    Level.WARN,
                    f"{r['review']}:{p['window']}",
                    f"联审 {where}：{dep} {win} 召集 {_minutes(late)} 分钟未确认",
                    f"Joint review {where}: {p.get('department_name_en') or dep} {win} "
                    f"has not confirmed for {_minutes(late)} min",
                )
            )
    return out


def all_alerts(
    state: Mapping[str, Any], now: float, departments: Mapping[str, str] | None = None
) -> list[Alert]:
    """Every alert, alarms first."""
    services, windows = state.get("services", {}), state.get("windows", {})
    alerts = (
        service_alerts(services, now)
        + idle_window_alerts(windows, services, now, departments)
        + device_alerts(state.get("devices", {}))
        + replay_alerts(state.get("hall", {}))
        + joint_alerts(state.get("joint", []), now)
    )
    return sorted(alerts, key=lambda a: a.level is not Level.ALARM)
