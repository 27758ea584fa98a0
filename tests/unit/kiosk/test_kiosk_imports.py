"""The kiosk's imports flow one way: it uses hallq/ and hardware/, never a hardware library
directly (the scanner's pyserial lives in hardware/) and never another device package."""

from __future__ import annotations

import ast
from pathlib import Path

import kiosk

KIOSK = Path(kiosk.__file__).resolve().parent
HARDWARE_LIBRARIES = {"serial", "gpiozero", "usb", "escpos", "paho"}
OTHER_DEVICES = {"broker", "counter", "display", "board", "sim", "app"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_kiosk_imports_no_hardware_library_and_no_other_device():
    found = {
        str(path.relative_to(KIOSK.parent)): sorted(bad)
        for path in KIOSK.rglob("*.py")
        if (bad := imported_roots(path) & (HARDWARE_LIBRARIES | OTHER_DEVICES))
    }
    assert found == {}


def test_the_scanner_and_its_fake_live_in_hardware():
    from hardware.fakes import FakeScanner
    from hardware.scanner import Scanner, SerialScanner

    fake = FakeScanner()
    seen = []
    fake.when_scanned = seen.append
    fake.start()
    fake.scan("A1234")
    assert seen == ["A1234"]
    assert isinstance(SerialScanner("/dev/null").when_scanned, type(None))
    assert Scanner.__module__ == "hardware.scanner"
