"""The board's copy of the hall's retained state, kept from typed payloads (pure, no I/O).

Every payload arrives decoded with its struct from ``hallq.contract`` (through
``hallq.state.StateClient``) and is kept as that struct's plain dict, the JSON the browsers
get. The structs are the whitelist: a field they do not define — a newer service's, or a
citizen's personal data a future payload might carry — is dropped when decoding and never
reaches a browser.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from hallq import contract as c
from hallq.call_reasons import call_reason

Change = dict[str, Any]  # {"kind": section, "key": ..., "data": ...} pushed to browsers
Handler = Callable[[str, Any, float], Change | None]


def _plain(payload: c.Payload | None) -> dict[str, Any] | None:
    return None if payload is None else c.to_builtins(payload)


class BoardState:
    """Windows, services, the hall summary, device presence and the latest calls."""

    def __init__(
        self,
        roles: dict[str, str] | None = None,
        recent: int = 12,
        priority_names: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self.roles = roles or {}  # device id -> role, from the config
        self.priority_names = priority_names or {}  # priority class id -> (中文, English)
        self.windows: dict[str, dict[str, Any]] = {}
        self.tiers: dict[str, dict[str, str]] = {}  # window -> its services (window_services)
        self.services: dict[str, dict[str, Any]] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self.hall: dict[str, Any] = {}
        self.calls: deque[dict[str, Any]] = deque(maxlen=recent)
        self.advice: dict[str, Any] | None = None  # the broker's staffing advice
        self.cases: list[dict[str, Any]] = []  # cases (一件事) in progress, oldest first
        self.joint: list[dict[str, Any]] = []  # the day's joint reviews (联审), newest first
        self._handlers: dict[str, Handler] = {
            "window": self._on_window,
            "window_services": self._on_window_services,
            "service": self._on_service,
            "hall": self._on_hall,
            "advice": self._on_advice,
            "cases": self._on_cases,
            "joint": self._on_joint,
            "presence": self._on_presence,
            "called": self._on_called,
        }

    def apply(self, kind: str, key: str, payload: c.Payload | None, now: float) -> Change | None:
        """Take one decoded message in (None: its retained topic was cleared); return the
        change to push to browsers (None: nothing changed)."""
        return self._handlers[kind](key, payload, now)

    def _put(self, section: str, key: str, value: dict[str, Any] | None) -> Change | None:
        table: dict[str, dict[str, Any]] = getattr(self, section)
        if value is None:
            if table.pop(key, None) is None:
                return None
        elif table.get(key) == value:
            return None
        else:
            table[key] = value
        return {"kind": section, "key": key, "data": value}

    def _on_window(self, key: str, payload: c.WindowState | None, _now: float) -> Change | None:
        value = _plain(payload)
        if value is not None and "services" not in value:  # contract v2: on its own topic
            value["services"] = self.tiers.get(key, {})
        return self._put("windows", key, value)

    def _on_window_services(
        self, key: str, payload: c.WindowServices | None, _now: float
    ) -> Change | None:
        """What a window serves: kept, and merged into the window the page shows."""
        self.tiers[key] = (
            {} if payload is None else {c: str(t) for c, t in payload.services.items()}
        )
        window = self.windows.get(key)
        if window is None or window.get("services") == self.tiers[key]:
            return None
        return self._put("windows", key, {**window, "services": self.tiers[key]})

    def _on_service(self, key: str, payload: c.ServiceState | None, _now: float) -> Change | None:
        return self._put("services", key, _plain(payload))

    def _on_hall(self, _key: str, payload: c.HallState | None, _now: float) -> Change | None:
        value = _plain(payload) or {}
        if value == self.hall:
            return None
        self.hall = value
        return {"kind": "hall", "key": "", "data": value}

    def _on_advice(self, _key: str, payload: c.Advice | None, _now: float) -> Change | None:
        value = _plain(payload)
        if value == self.advice:
            return None
        self.advice = value
        return {"kind": "advice", "key": "", "data": value}

    def _on_cases(self, _key: str, payload: c.CasesState | None, _now: float) -> Change | None:
        value = [] if payload is None else c.to_builtins(payload)["cases"]
        if value == self.cases:
            return None
        self.cases = value
        return {"kind": "cases", "key": "", "data": value}

    def _on_joint(self, _key: str, payload: c.JointState | None, _now: float) -> Change | None:
        value = [] if payload is None else c.to_builtins(payload)["reviews"]
        if value == self.joint:
            return None
        self.joint = value
        return {"kind": "joint", "key": "", "data": value}

    def _on_presence(self, key: str, payload: c.Presence | None, now: float) -> Change | None:
        if payload is None:
            return self._put("devices", key, None)
        value = c.to_builtins(payload)
        value["role"] = self.roles.get(key, "")
        before = self.devices.get(key)
        if before is not None and before["online"] == payload.online:
            value["changed_at"] = before.get("changed_at", now)
        else:
            value["changed_at"] = (payload.since or now) if payload.online else now
        return self._put("devices", key, value)

    def _on_called(self, _key: str, payload: c.CalledEvent | None, now: float) -> Change | None:
        if payload is None:
            return None
        call = {**c.to_builtins(payload), "at": payload.at or now}
        name = self.priority_names.get(payload.priority or "")
        why = call_reason(payload.reason_code, payload.priority_rule, name)
        call["why"] = list(why) if any(why) else None  # [中文, English]: managers only
        self.calls.appendleft(call)
        return {"kind": "call", "key": payload.window, "data": call}

    def snapshot(self) -> dict[str, Any]:
        return {
            "windows": self.windows,
            "services": self.services,
            "devices": self.devices,
            "hall": self.hall,
            "calls": list(self.calls),
            "advice": self.advice,
            "cases": self.cases,
            "joint": self.joint,
        }
