"""Imports flow one way: hallq/core <- hallq/ <- hardware/ <- devices <- region/ <- app/.

region/ (the county centre's service and board) is built on the hall board's web pieces and the
broker's Mosquitto configuration, so it sits above the devices; no device imports it.

Read from the source (every import statement, also those inside functions), so a lazy import
that breaks the layering is caught as surely as one at the top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVICES = ("broker", "board", "counter", "display", "kiosk", "sim")
ABOVE_HALLQ = (*DEVICES, "hardware", "region", "app")
KNOWN_CROSSINGS: set[tuple[str, str]] = set()  # device -> device imports allowed: none


def imported(package: str) -> dict[str, set[str]]:
    """Top-level packages imported by each module of ``package`` (path -> names)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    return {
        path: bad
        for path, names in imported(package).items()
        if (bad := names & set(forbidden) - {package})
    }


def test_hallq_imports_no_device_hardware_or_entry_point_package():
    assert offenders("hallq", ABOVE_HALLQ) == {}


def test_hardware_imports_only_the_ground_floor():
    assert offenders("hardware", (*DEVICES, "app")) == {}


def test_no_package_imports_the_entry_points():
    for package in ("hallq", "hardware", *DEVICES, "region"):
        assert offenders(package, ("app",)) == {}, package


def test_no_device_imports_the_region():
    for package in ("hallq", "hardware", *DEVICES):
        assert offenders(package, ("region",)) == {}, package


def test_devices_do_not_import_each_other_beyond_the_known_crossings():
    crossings = {
        (device, other)
        for device in DEVICES
        for names in offenders(device, DEVICES).values()
        for other in names
    }
    assert crossings <= KNOWN_CROSSINGS
