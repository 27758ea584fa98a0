"""The real kiosk app (Kivy, SDL offscreen) driven by simulated touches, one process per run.

Each run executes tests/ui/kiosk_driver.py SCENARIO and checks its JSON verdict; screenshots
land in artifacts/kiosk/. The service is the real BrokerService in-process on a FakeLink
(tests/kiosk_service.py);
tests/integration/test_kiosk_live.py runs the same app against Mosquitto and the broker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from halls import link_region
from kiosk_run import drive

pytestmark = pytest.mark.ui


@pytest.fixture
def kiosk_hall(hall_cfg) -> str:
    """The test hall linked to a region with a booking key, so appointment codes are checked
    as booking codes (a hall without ``[region]`` refuses them all); scenarios mint codes
    with hallq/booking.py and the hall's key (tests/halls.py ``booking_code``)."""
    return str(link_region(Path(hall_cfg.source)))


ALL = [
    "zh_flow",
    "en_large",
    "appointment",
    "offline",
    "timeout",
    "paper_out",
    "print_failed",
    "closed",
    "multitouch",
    "idle",
    "scan",
]
OTHER_SIZES = [
    "zh_flow",
    "en_large",
    "offline",
    "paper_out",
    "print_failed",
    "closed",
    "appointment",
]


@pytest.mark.parametrize("scenario", ALL)
def test_landscape_1280x800(scenario, kiosk_hall, artifacts):
    result = drive(scenario, kiosk_hall, "1280x800", shots=artifacts("kiosk"))
    for shot in result["shots"]:
        assert Path(shot).stat().st_size > 5000, shot


@pytest.mark.parametrize("size", ["1080x1920", "800x480"])
@pytest.mark.parametrize("scenario", OTHER_SIZES)
def test_other_sizes(scenario, size, kiosk_hall, artifacts):
    result = drive(scenario, kiosk_hall, size, shots=artifacts("kiosk"))
    assert result["shots"]


def test_big_example_hall_home(artifacts, tmp_path):
    """The 35-department example hall: tiles scroll, long names fit."""
    example = Path(__file__).resolve().parents[2] / "examples" / "hall.toml"
    for size in ("1080x1920", "800x480"):
        result = drive("big_hall", str(example), size, shots=artifacts("kiosk"))
        assert result["shots"]
