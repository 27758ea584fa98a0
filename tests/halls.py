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
