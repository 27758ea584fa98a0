"""A region on 127.0.0.1 for tests: region Mosquitto, each hall's Mosquitto and service."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.bootstrap import build_broker
from broker.mosquitto import write_mosquitto_config
from broker.mosquitto_process import MosquittoProcess
from broker.service import BrokerService
from hallq.client import CommandClient
from hallq.config import HallConfig
from hallq.mqtt import MqttLink
from region.config import RegionConfig
from region.fabric import write_region


class RegionHalls:
    """A test region's running parts: its Mosquitto, each hall's Mosquitto and queue service
    (``services``: those run in this process), and the device links a test opens;
    ``stop()`` stops them, devices first. Fabric (here) and NetFabric (region_netns.py)."""

    connect_s = 10.0  # how long a service or device may take to connect

    def __init__(self) -> None:
        self.region: RegionConfig
        self.halls: list[HallConfig] = []
        self.cfg: dict[str, HallConfig] = {}
        self.region_mqtt: MosquittoProcess | None = None
        self.hall_mqtt: dict[str, MosquittoProcess] = {}
        self.services: dict[str, BrokerService] = {}
        self.links: list[MqttLink] = []

    def _write(self, root: Path, townships: int, **kw: Any) -> None:
        self.region, self.halls = write_region(root, townships, **kw)
        self.cfg = {h.hall.id: h for h in self.halls}

    def _start_service(self, h: HallConfig) -> None:
        s = build_broker(h)
        s.start()
        self.services[h.hall.id] = s

    def _wait_services(self) -> None:
        for s in self.services.values():
            assert s.link is not None and s.link.wait_for_connection(self.connect_s)

    def device(self, hall: str, device: str) -> CommandClient:
        link = MqttLink.from_config(self.cfg[hall], device)
        client = CommandClient(link)
        link.start()
        assert link.wait_for_connection(self.connect_s)
        self.links.append(link)
        return client

    def _stop_processes(self) -> None:
        """Hall services run as processes of their own: stopped before their Mosquittos."""

    def stop(self) -> None:
        for link in self.links:
            link.stop()
        for s in self.services.values():
            s.stop()
        self._stop_processes()
        for m in self.hall_mqtt.values():
            m.stop()
        if self.region_mqtt is not None:
            self.region_mqtt.stop()


class Fabric(RegionHalls):
    def __init__(self, root: Path, townships: int = 1, slot_times: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._write(root, townships, **({"slot_times": slot_times} if slot_times else {}))
        conf = self.region.resolve("mosquitto/mosquitto.conf")
        self.region_mqtt = MosquittoProcess(conf, "127.0.0.1", self.region.mqtt.port)

    def start(self) -> Fabric:
        assert self.region_mqtt is not None
        self.region_mqtt.start()
        for h in self.halls:
            files = write_mosquitto_config(h, h.resolve("mosquitto"), run_as="root")
            self.hall_mqtt[h.hall.id] = MosquittoProcess(files.conf, "127.0.0.1", h.mqtt.port)
            self.hall_mqtt[h.hall.id].start()
            self._start_service(h)
        self._wait_services()
        return self


class RegionTap:
    """Everything the region Mosquitto receives from the halls, counted per topic."""

    def __init__(self, region: RegionConfig) -> None:
        self.link = MqttLink(
            region.mqtt.host,
            region.mqtt.port,
            region.region.id,
            "region",
            region.password("region"),
            session="test-region-tap",
        )
        self.latest: dict[str, bytes] = {}
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self.link.subscribe("hallq/+/state/#", self._keep)
        self.link.subscribe("hallq/+/bridge/region", self._keep)
        self.link.subscribe("hallq/+/event/#", self._event)

    def _keep(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.latest[topic] = payload

    def _event(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.events.append((topic, json.loads(payload)))

    def start(self) -> RegionTap:
        self.link.start()
        assert self.link.wait_for_connection(10)
        return self

    def json(self, topic: str) -> Any:
        with self._lock:
            raw = self.latest.get(topic)
        return None if not raw else json.loads(raw)


def wait_for(check: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or check}")


def hall_of(cfg: HallConfig) -> str:
    return cfg.hall.id


def next_slot() -> tuple[str, str]:
    """(day, "HH:MM") of a booking slot 10-15 minutes ahead, hall time: still in the future
    when a test books it after starting its halls on a loaded machine, and within the
    30-minute check-in margin, so the county kiosk takes the code at once."""
    soon = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=15)
    soon = soon.replace(minute=soon.minute // 5 * 5, second=0, microsecond=0)
    return soon.date().isoformat(), soon.strftime("%H:%M")


def wait_region_listens(service: Any, hall: str, timeout: float = 10.0) -> None:
    """Until the region service hears ``hall``'s live heartbeat (the second one: the first may
    be retained): its subscriptions, sent together on connecting, are then all in place, so a
    booking request over the bridge is not dropped for want of a subscriber."""
    wait_for(lambda: service.feeds[hall].tick_at is not None, timeout, f"{hall}'s heartbeat")
    first = service.feeds[hall].tick_at
    wait_for(lambda: service.feeds[hall].tick_at != first, timeout, f"{hall}'s next heartbeat")
