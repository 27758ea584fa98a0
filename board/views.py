"""What a browser may see: the public view for anyone, the full view for a manager (pure).

Anyone on the hall's network can open the board. Without a login it shows the queues and the
calls — each service's waiting count and estimate, each window's current ticket and whether it
is open or paused, the hall's totals — but not who works where (staff ids), the devices, their
roles and printers, the staffing advice or the alerts.
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
MANAGER_HALL_FIELDS = ("replay_faults",)  # HallState: the service's start-up faults
PUBLIC_SNAPSHOT_KEYS = ("type", "now", "mqtt", "info", "windows", "services", "hall", "calls")
PUBLIC_CHANGES = {"services", "call"}  # shown as they are; "windows" and "hall" trimmed


def public_window(window: dict[str, Any] | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {k: window[k] for k in PUBLIC_WINDOW_FIELDS if k in window}


def public_hall(hall: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in hall.items() if k not in MANAGER_HALL_FIELDS}


def public_snapshot(snap: dict[str, Any]) -> dict[str, Any]:
    out = {k: snap[k] for k in PUBLIC_SNAPSHOT_KEYS if k in snap}
    out["windows"] = {k: public_window(w) for k, w in snap.get("windows", {}).items()}
    out["hall"] = public_hall(snap.get("hall", {}))
    return out


def public_message(msg: dict[str, Any]) -> dict[str, Any] | None:
    """The stream message as the public view shows it; None: not for the public."""
    kind = msg.get("type")
    if kind == "snapshot":
        return public_snapshot(msg)
    if kind in ("link", "tick"):
        return msg
    if kind == "change" and msg.get("kind") == "windows":
        return {**msg, "data": public_window(msg.get("data"))}
    if kind == "change" and msg.get("kind") == "hall":
        return {**msg, "data": public_hall(msg.get("data") or {})}
    if kind == "change" and msg.get("kind") in PUBLIC_CHANGES:
        return msg
    return None  # alerts, advice, devices
