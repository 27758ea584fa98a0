"""The board's copy of the hall's retained state, kept from MQTT messages (pure, no I/O).

Only whitelisted fields pass: the board shows ticket numbers, never a citizen's personal data,
even if a future payload carried some.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from .advice import clean

WINDOW_FIELDS = (
    "window",
    "name",
    "name_en",
    "zone",
    "status",
    "staff",
    "since",
    "pause_reason",
    "ticket",
    "ticket_state",
    "service",
    "called_at",
    "served_today",
    "rating_avg",
    "rating_count",
    "services",
)
SERVICE_FIELDS = (
    "service",
    "name",
    "name_en",
    "department",
    "prefix",
    "waiting",
    "priority_waiting",
    "est_wait_s",
    "oldest_waiting_at",
    "target_wait_s",
    "windows_open",
    "issued_today",
    "daily_cap",
    "open",
    "closed_reason",
)
HALL_FIELDS = (
    "hall",
    "day",
    "open",
    "issued",
    "waiting",
    "serving",
    "done",
    "no_show",
    "cancelled",
    "held",
    "windows_open",
    "ratings",
    "priority_ratio",
)
PRESENCE_FIELDS = ("online", "since", "device", "printer", "version", "store")
CALL_FIELDS = (
    "ticket",
    "window",
    "window_name",
    "window_name_en",
    "service",
    "service_name",
    "service_name_en",
    "recall",
    "at",
)


def pick(payload: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: payload[k] for k in fields if k in payload} if isinstance(payload, dict) else {}


def parse_topic(root: str, topic: str) -> tuple[str, str] | None:
    """``hallq/h1/state/window/w5`` -> ("window", "w5"); None for topics the board ignores."""
    if not topic.startswith(root + "/"):
        return None
    parts = topic[len(root) + 1 :].split("/")
    match parts:
        case ["state", ("window" | "service") as kind, key]:
            return kind, key
        case ["state", ("hall" | "advice") as kind]:
            return kind, ""
        case ["presence", device]:
            return "presence", device
        case ["event", "called"]:
            return "called", ""
    return None


class BoardState:
    """Windows, services, the hall summary, device presence and the latest calls."""

    def __init__(self, roles: dict[str, str] | None = None, recent: int = 12) -> None:
        self.roles = roles or {}  # device id -> role, from the config
        self.windows: dict[str, dict[str, Any]] = {}
        self.services: dict[str, dict[str, Any]] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self.hall: dict[str, Any] = {}
        self.calls: deque[dict[str, Any]] = deque(maxlen=recent)
        self.advice: dict[str, Any] | None = None  # the broker's staffing advice

    def apply(self, kind: str, key: str, payload: Any, now: float) -> dict[str, Any] | None:
        """Take one message in; return the change to push to browsers (None: nothing changed)."""
        handler = getattr(self, f"_on_{kind}")
        result: dict[str, Any] | None = handler(key, payload, now)
        return result

    def _put(self, section: str, key: str, value: dict[str, Any] | None) -> dict[str, Any] | None:
        table: dict[str, dict[str, Any]] = getattr(self, section)
        if value is None:
            if table.pop(key, None) is None:
                return None
        elif table.get(key) == value:
            return None
        else:
            table[key] = value
        return {"kind": section, "key": key, "data": value}

    def _on_window(self, key: str, payload: Any, _now: float) -> dict[str, Any] | None:
        return self._put("windows", key, pick(payload, WINDOW_FIELDS) if payload else None)

    def _on_service(self, key: str, payload: Any, _now: float) -> dict[str, Any] | None:
        return self._put("services", key, pick(payload, SERVICE_FIELDS) if payload else None)

    def _on_hall(self, _key: str, payload: Any, _now: float) -> dict[str, Any] | None:
        value = pick(payload, HALL_FIELDS)
        if value == self.hall:
            return None
        self.hall = value
        return {"kind": "hall", "key": "", "data": value}

    def _on_advice(self, _key: str, payload: Any, _now: float) -> dict[str, Any] | None:
        """Raises AdviceError for a malformed payload (the state keeps the previous advice)."""
        value = clean(payload) if payload else None
        if value == self.advice:
            return None
        self.advice = value
        return {"kind": "advice", "key": "", "data": value}

    def _on_presence(self, key: str, payload: Any, now: float) -> dict[str, Any] | None:
        if not payload:
            return self._put("devices", key, None)
        value = pick(payload, PRESENCE_FIELDS)
        value["online"] = bool(value.get("online"))
        value["role"] = self.roles.get(key, "")
        before = self.devices.get(key)
        if before is not None and before.get("online") == value["online"]:
            value["changed_at"] = before.get("changed_at", now)
        else:
            value["changed_at"] = (value.get("since") or now) if value["online"] else now
        return self._put("devices", key, value)

    def _on_called(self, _key: str, payload: Any, now: float) -> dict[str, Any] | None:
        call = {"at": now, **pick(payload, CALL_FIELDS)}
        self.calls.appendleft(call)
        return {"kind": "call", "key": call.get("window", ""), "data": call}

    def snapshot(self) -> dict[str, Any]:
        return {
            "windows": self.windows,
            "services": self.services,
            "devices": self.devices,
            "hall": self.hall,
            "calls": list(self.calls),
            "advice": self.advice,
        }
