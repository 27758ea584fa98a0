"""A region whose halls sit in their own network namespaces (root only; the 27-hall test and
benchmarks/bench_region.py).

Per hall ``i`` a namespace ``<tag>-<hall>`` holds that hall's Mosquitto. Two veth pairs join it
to the root namespace, on addresses inside 10.<a>.0.0/16 (an unused /16 chosen at start):

- **WAN**: the hall's end 10.<a>.0.<i+2>/24; the root end is a port of a Linux bridge
  ``<tag>br`` (10.<a>.0.1/24), where the region Mosquitto listens. The hall's bridge dials it.
  :meth:`NetFabric.cut` sets the root end down (packets vanish, as on a WAN cut: neither side
  sees an interface go down; both notice by keep-alive), :meth:`NetFabric.mend` up again.
- **LAN**: 10.<a>.<i+1>.2/30 in the namespace, 10.<a>.<i+1>.1/30 in root: the hall's own
  service and devices (run here, in root) reach the hall's Mosquitto over it; a WAN cut
  leaves it alone. No namespace has a default route, so a hall reaches nothing but its two
  links: not the other halls, not the region over its LAN.

The hall services run in this process (``services="thread"``) or each as its own
``hallq broker`` process (``"process"``: the benchmark's RSS per hall). Everything made is
removed in :meth:`NetFabric.stop` (links, bridge, namespaces), also after a failure.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from region_fabric import RegionHalls

from broker.mosquitto import write_mosquitto_config
from broker.mosquitto_process import MosquittoProcess
from hallq.config import HallConfig
from region.fabric import hall_ids

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def unused_net() -> int:
    """An ``a`` with no route or address of this machine inside 10.a.0.0/16."""
    text = "".join(
        subprocess.run(cmd, capture_output=True, check=True).stdout.decode()
        for cmd in (["ip", "-4", "route", "show", "table", "all"], ["ip", "-4", "addr"])
    )
    for a in range(200, 250):
        if f"10.{a}." not in text:
            return a
    raise RuntimeError("no free 10.a.0.0/16 between 10.200 and 10.249")


class NetFabric(RegionHalls):
    connect_s = 20.0

    def __init__(
        self,
        root: Path,
        townships: int,
        services: str = "thread",
        slot_times: tuple[str, ...] = (),
        keepalive_s: int | None = None,
    ) -> None:
        super().__init__()
        self.keepalive_s = keepalive_s
        self.root, self.services_mode, self.slot_times = root, services, slot_times
        self.tag = "hq" + secrets.token_hex(2)
        self.net = unused_net()
        self.ids = hall_ids(townships)
        self.region_host = f"10.{self.net}.0.1"
        self.made_ns: list[str] = []
        self.made_links: list[str] = []
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    # ------------------------------------------------------------ names and addresses
    def ns(self, hall: str) -> str:
        return f"{self.tag}-{hall}"

    def wan(self, hall: str) -> str:
        return f"{self.tag}w{self.ids.index(hall)}"

    def lan_host(self, hall: str) -> str:
        return f"10.{self.net}.{self.ids.index(hall) + 1}.2"

    # ------------------------------------------------------------ network
    def _network(self) -> None:
        br, n = f"{self.tag}br", self.net
        ip("link", "add", br, "type", "bridge")
        self.made_links.append(br)
        ip("addr", "add", f"{self.region_host}/24", "dev", br)
        ip("link", "set", br, "up")
        for i, hall in enumerate(self.ids):
            ns, wan, lan = self.ns(hall), self.wan(hall), f"{self.tag}l{i}"
            ip("netns", "add", ns)
            self.made_ns.append(ns)
            ip("-n", ns, "link", "set", "lo", "up")
            for link, peer in ((wan, "eth0"), (lan, "lan0")):
                ip("link", "add", link, "type", "veth", "peer", "name", peer, "netns", ns)
                self.made_links.append(link)
            ip("link", "set", wan, "master", br)
            ip("-n", ns, "addr", "add", f"10.{n}.0.{i + 2}/24", "dev", "eth0")
            ip("addr", "add", f"10.{n}.{i + 1}.1/30", "dev", lan)
            ip("-n", ns, "addr", "add", f"{self.lan_host(hall)}/30", "dev", "lan0")
            for dev in ("eth0", "lan0"):
                ip("-n", ns, "link", "set", dev, "up")
            ip("link", "set", wan, "up")
            ip("link", "set", lan, "up")

    def cut(self, hall: str) -> None:
        """The hall's WAN link goes dead (its root end down)."""
        ip("link", "set", self.wan(hall), "down")

    def mend(self, hall: str) -> None:
        ip("link", "set", self.wan(hall), "up")

    # ------------------------------------------------------------ start and stop
    def start(self) -> NetFabric:
        try:
            self._network()
            hosts = {h: self.lan_host(h) for h in self.ids}
            self._write(
                self.root,
                len(self.ids) - 1,
                region_host=self.region_host,
                hall_hosts=hosts,
                **self._slots(),
            )
            conf = self.region.resolve("mosquitto/mosquitto.conf")
            self.region_mqtt = MosquittoProcess(conf, self.region_host, self.region.mqtt.port)
            self.region_mqtt.start()
            for h in self.halls:
                self._start_hall(h)
            self._wait_services()
        except BaseException:
            self.stop()
            raise
        return self

    def _slots(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"keepalive_s": self.keepalive_s}
        return {**extra, "slot_times": self.slot_times} if self.slot_times else extra

    def _start_hall(self, h: HallConfig) -> None:
        hall = h.hall.id
        files = write_mosquitto_config(
            h, h.resolve("mosquitto"), bind=self.lan_host(hall), run_as="root"
        )
        m = MosquittoProcess(
            files.conf, self.lan_host(hall), h.mqtt.port, ["ip", "netns", "exec", self.ns(hall)]
        )
        self.hall_mqtt[hall] = m
        m.start()
        if self.services_mode == "thread":
            self._start_service(h)
        else:
            log_file = open(Path(h.source).with_name("broker.log"), "ab")  # noqa: SIM115
            self.procs[hall] = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "broker", "--config", h.source],
                stdout=log_file,
                stderr=log_file,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )

    def _stop_processes(self) -> None:
        for p in self.procs.values():
            p.terminate()
        for p in self.procs.values():
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop(self) -> None:
        super().stop()
        for link in reversed(self.made_links):  # a veth goes with its peer
            subprocess.run(["ip", "link", "del", link], check=False, capture_output=True)
        for ns in self.made_ns:
            subprocess.run(["ip", "netns", "del", ns], check=False, capture_output=True)
        self.made_links.clear()
        self.made_ns.clear()
