"""Which departments and services this kiosk offers, as tiles (pure: config + state in)."""

from __future__ import annotations

from hallq.config import HallConfig, KioskDevice, PriorityClass

from .state import KioskState, TileView, department_tile, service_tile

APPOINTMENT = "appointment"


def departments(cfg: HallConfig, device: KioskDevice):
    """The kiosk's departments in config order (``device.departments`` empty = all)."""
    wanted = set(device.departments)
    return [d for d in cfg.departments if not wanted or d.id in wanted]


def service_codes(cfg: HallConfig, device: KioskDevice) -> list[str]:
    """The services this kiosk offers (it follows only their state)."""
    wanted = {d.id for d in departments(cfg, device)}
    return [s.code for s in cfg.services if s.department in wanted]


def service_tiles(cfg: HallConfig, state: KioskState, dept_id: str) -> list[TileView]:
    blocked = state.blocked
    return [
        service_tile(s.code, s.name, s.name_en, state.services.get(s.code), blocked)
        for s in cfg.services
        if s.department == dept_id
    ]


def department_tiles(cfg: HallConfig, device: KioskDevice, state: KioskState) -> list[TileView]:
    return [
        department_tile(d.id, d.name, d.name_en, service_tiles(cfg, state, d.id))
        for d in departments(cfg, device)
    ]


def priority_classes(cfg: HallConfig) -> list[PriorityClass]:
    """The priority groups a citizen picks from (appointments have their own check-in path)."""
    return [p for p in cfg.priority_classes if p.id != APPOINTMENT]


def has_appointments(cfg: HallConfig) -> bool:
    return any(p.id == APPOINTMENT for p in cfg.priority_classes)


def valid_code(code: str) -> bool:
    """An appointment code: 4-16 ASCII letters or digits (region booking codes: 16)."""
    return 4 <= len(code) <= 16 and code.isascii() and code.isalnum()
