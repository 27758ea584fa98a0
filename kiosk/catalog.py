"""Which departments and services this kiosk offers, as tiles (pure: config + state in)."""

from __future__ import annotations

from hallq import booking
from hallq.config import HallConfig, KioskDevice, PriorityClass

from .state import (
    KioskState,
    TileView,
    department_tile,
    matter_tile,
    offline_block,
    service_tile,
)

APPOINTMENT = "appointment"


def departments(cfg: HallConfig, device: KioskDevice):
    """The kiosk's departments in config order (``device.departments`` empty = all)."""
    wanted = set(device.departments)
    return [d for d in cfg.departments if not wanted or d.id in wanted]


def service_codes(cfg: HallConfig, device: KioskDevice) -> list[str]:
    """The services this kiosk offers (it follows only their state): its departments' and
    the first steps of its matters."""
    wanted = {d.id for d in departments(cfg, device)}
    firsts = [code for m in matters(cfg, device) for code in m.stage_codes()[0]]
    return [s.code for s in cfg.services if s.department in wanted or s.code in firsts]


def matters(cfg: HallConfig, device: KioskDevice):
    """The matters (一件事) this kiosk offers: those whose first step is one of its
    departments' (all of them when it shows every department)."""
    if not device.departments:
        return list(cfg.matters)
    wanted = set(device.departments)
    return [
        m
        for m in cfg.matters
        if any(cfg.service(c).department in wanted for c in m.stage_codes()[0])
    ]


def matter_tiles(cfg: HallConfig, device: KioskDevice, state: KioskState) -> list[TileView]:
    """One tile per matter, before the departments: open while its first step takes tickets
    (a group as first step: the best of its services)."""
    tiles = []
    blocked = state.blocked or ("offline" if state.is_offline_issuing else None)  # no cases
    for m in matters(cfg, device):
        firsts = [service_tile(c, c, c, state.services.get(c), blocked) for c in m.stage_codes()[0]]
        first = max(firsts, key=lambda t: (t.enabled, -(t.waiting or 0)))
        steps = sum(len(s) for s in m.stage_codes())
        tiles.append(matter_tile(m.id, m.name, m.name_en or m.name, first, steps))
    return tiles


def matter_stage_names(cfg: HallConfig, matter_id: str, lang: str) -> tuple[str, ...]:
    """The names of a matter's visits, in order, in the kiosk's language."""
    m = next(m for m in cfg.matters if m.id == matter_id)
    specs = [cfg.service(c) for stage in m.stage_codes() for c in stage]
    return tuple(s.name_en or s.name if lang == "en" else s.name for s in specs)


def service_tiles(cfg: HallConfig, state: KioskState, dept_id: str) -> list[TileView]:
    blocked = state.blocked
    return [
        service_tile(
            s.code,
            s.name,
            s.name_en,
            state.services.get(s.code),
            blocked or offline_block(state, s.code, s.ticket_prefix),
        )
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
    """Shaped like a booking code (16 digits and capitals, I/L/O/U and lower case forgiven);
    whether it was booked for this hall, service and time is the service's to say."""
    text = booking.normalize(code)
    return len(text) == booking.LENGTH and all(ch in booking.ALPHABET for ch in text)
