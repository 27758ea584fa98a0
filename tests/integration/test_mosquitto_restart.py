"""Mosquitto restarted (it keeps nothing: persistence off): every device reconnects by itself
and the service rebuilds the retained state, its hall lock and its presence."""

from __future__ import annotations

import time

from hallq import contract as c
from hallq.state import StateClient


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_after_a_mosquitto_restart_devices_reconnect_and_retained_state_is_rebuilt(
    mosquitto, broker, device
):
    _link, counter = device("counter1")
    counter.send("open", staff="s1")
    display_link, _ = device("display1")
    windows = StateClient(display_link).follow_windows()
    locks: list[bytes] = []
    service_link, _ = device("hallq")  # reads every topic
    service_link.subscribe(service_link.topics.service_lock, lambda t, p: locks.append(p))
    assert _wait(lambda: (w := windows.get("w1")) is not None and w.staff == "s1")

    mosquitto.kill()
    time.sleep(10)  # long enough for paho's back-off to reach its maximum
    assert not display_link.is_connected and not counter.link.is_connected
    windows.latest.clear()
    locks.clear()
    restarted = time.monotonic()
    mosquitto.start()

    assert _wait(lambda: display_link.is_connected and counter.link.is_connected)
    assert _wait(lambda: (w := windows.get("w1")) is not None and w.staff == "s1")
    rebuilt_s = time.monotonic() - restarted
    assert _wait(lambda: bool(locks))
    assert c.decode(locks[-1], c.ServiceLock).device == "hallq"
    assert counter.send("status").ok  # the service answers again
    print(f"retained state rebuilt {rebuilt_s:.1f} s after Mosquitto restarted")
