"""The test halls: tests/data/*.toml templates filled in with free ports and tmp paths.

Imported as ``from halls import write_test_hall`` (tests/ is on sys.path via pytest's
``pythonpath`` setting; benchmarks add it themselves).
"""

from __future__ import annotations

from pathlib import Path

from app.localmqtt import free_port

DATA = Path(__file__).parent / "data"


def write_test_hall(tmp: Path, port: int | None = None, template: Path | None = None) -> Path:
    """Copy a test hall config into ``tmp`` with a free port and private paths filled in."""
    text = (template or DATA / "hall.toml").read_text(encoding="utf-8")
    text = (
        text.replace("@PORT@", str(port or free_port()))
        .replace("@CRED@", str(tmp / "mqtt" / "credentials"))
        .replace("@STORE@", str(tmp / "hallq.db"))
        .replace("@USERS@", str(tmp / "board-users.json"))
    )
    path = tmp / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


BOOKING_KEY = bytes(range(32))  # the test hall's booking key (the region holds the same)


def link_region(path: Path, hall_no: int = 0, key: bytes = BOOKING_KEY) -> Path:
    """Give the hall at ``path`` a ``[region]`` with a booking key beside it (issue 13), so
    its service checks booking codes: without one every appointment code is refused."""
    (path.parent / "booking.key").write_text(key.hex(), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    text += f'\n[region]\nid = "region"\nhost = "127.0.0.1"\nhall_no = {hall_no}\n'
    text += 'booking_key_file = "booking.key"\n'
    path.write_text(text, encoding="utf-8")
    return path


def booking_code(cfg, service: str, at: float | None = None, serial: int = 1) -> str:
    """The code the region would give for ``service`` at hall ``cfg`` in the 30-minute slot
    starting at ``at`` (default now, hall time), signed with the hall's own key."""
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hallq.booking import Slot, make_code

    key = bytes.fromhex(cfg.resolve(cfg.region.booking_key_file).read_text().strip())
    local = datetime.fromtimestamp(time.time() if at is None else at, ZoneInfo(cfg.hall.timezone))
    start = (local.hour * 60 + local.minute) // 5 * 5
    slot = Slot(cfg.region.hall_no, local.date(), start, 30, serial)
    return make_code(key, cfg.hall.id, service, slot)
