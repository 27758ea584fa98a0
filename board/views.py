"""What a browser may see: the public view for anyone, the full view for a manager (pure).

Anyone on the hall's network can open the board. Without a login it shows the queues and the
calls — each service's waiting count and estimate, each window's current ticket and whether it
is open or paused, the hall's totals, which ticket went to which window — but not who works
where (staff ids), why a ticket was called (a priority class beside a ticket number says who is
elderly or disabled), the devices, their roles and printers, the staffing advice or the alerts.
"""

from __future__ import annotations

from typing import Any

# fields of hallq.contract.WindowState the public may see (a test keeps them real fields)
PUBLIC_WINDOW_FIELDS = (
    "window",
    "name",
    "name_en",
    "zone",
    "status",
    "ticket",
    "ticket_state",
    "service",
    "called_at",
)
# fields of hallq.contract.CalledEvent the public may see: not why it was called (a priority
# rule or class next to a ticket number says who is elderly or disabled), nor its wait
PUBLIC_CALL_FIELDS = (
    "ticket",
    "window",
    "window_name",
    "window_name_en",
    "zone",
    "service",
    "service_name",
    "service_name_en",
    "recall",
    "calls",
    "at",
)
MANAGER_HALL_FIELDS = ("replay_faults",)  # HallState: the service's start-up faults
PUBLIC_SNAPSHOT_KEYS = ("type", "now", "mqtt", "info", "windows", "services", "hall", "calls")


def public_window(window: dict[str, Any] | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {k: window[k] for k in PUBLIC_WINDOW_FIELDS if k in window}


def public_call(call: dict[str, Any]) -> dict[str, Any]:
    return {k: call[k] for k in PUBLIC_CALL_FIELDS if k in call}


def public_hall(hall: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in hall.items() if k not in MANAGER_HALL_FIELDS}


def public_snapshot(snap: dict[str, Any]) -> dict[str, Any]:
    out = {k: snap[k] for k in PUBLIC_SNAPSHOT_KEYS if k in snap}
    out["windows"] = {k: public_window(w) for k, w in snap.get("windows", {}).items()}
    out["hall"] = public_hall(snap.get("hall", {}))
    out["calls"] = [public_call(call) for call in snap.get("calls", [])]
    return out


TRIM_CHANGE = {  # change kind -> what of its data the public sees
    "windows": public_window,
    "call": lambda d: public_call(d or {}),
    "hall": lambda d: public_hall(d or {}),
    "services": lambda d: d,
}


def public_message(msg: dict[str, Any]) -> dict[str, Any] | None:
    """The stream message as the public view shows it; None: not for the public."""
    kind = msg.get("type")
    if kind == "snapshot":
        return public_snapshot(msg)
    if kind in ("link", "tick"):
        return msg
    trim = TRIM_CHANGE.get(msg.get("kind", "")) if kind == "change" else None
    if trim is not None:
        return {**msg, "data": trim(msg.get("data"))}
    return None  # alerts, advice, devices
