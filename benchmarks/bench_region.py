"""Region staleness and memory with 27 halls: the county centre and 26 townships, each in its
own network namespace with its own Mosquitto and its own ``hallq broker`` process, bridged
over veth links to one region Mosquitto (tests/region_netns.py; run as root).

Run: sudo python benchmarks/bench_region.py [--samples 270]

**Staleness** is the time from a kiosk's ``issue`` command being sent at a hall to the region
service (what the region board and ``GET /api/halls`` serve) holding that hall's new ticket
count. The baseline, measured on the same tickets, is when the hall's own Mosquitto delivered
the same ``state/hall`` to a subscriber on the hall's LAN: the difference is what the bridge
and the region add. One ticket at a time, round-robin over the 27 halls.

**RSS** is read from /proc (VmRSS) for one hall's processes (its Mosquitto and its service)
and for all 27 halls together; the region's Mosquitto is shown apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from region_netns import NetFabric  # noqa: E402

from hallq import contract as c  # noqa: E402
from hallq.core.percentile import percentile  # noqa: E402
from hallq.mqtt import MqttLink  # noqa: E402
from region.service import RegionService  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class LocalWatch:
    """The hall's own state/hall as a subscriber on its LAN sees it (the baseline)."""

    def __init__(self, fabric: NetFabric, hall: str) -> None:
        self.link = MqttLink.from_config(fabric.cfg[hall], "display1")
        self.issued, self.cond = -1, threading.Condition()
        self.link.subscribe(self.link.topics.hall, self._on)
        self.link.start()
        assert self.link.wait_for_connection(20)

    def _on(self, _topic: str, payload: bytes) -> None:
        state = c.decode(payload, c.HallState)
        with self.cond:
            self.issued = state.issued
            self.cond.notify_all()

    def wait_for(self, n: int) -> float:
        with self.cond:
            assert self.cond.wait_for(lambda: self.issued >= n, 20), "hall state never came"
        return time.perf_counter()


def region_wait_for(svc: RegionService, hall: str, n: int) -> float:
    feed = svc.feeds[hall]
    with svc.changes:
        ok = svc.changes.wait_for(lambda: feed.hall is not None and feed.hall.issued >= n, 20)
    assert ok, f"{hall}'s ticket never reached the region"
    return time.perf_counter()


def wait_all_reachable(svc: RegionService, timeout: float = 180) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if all(r.reachable and r.day for r in svc.rows()):
            return time.monotonic() - started
        time.sleep(0.2)
    down = [r.hall for r in svc.rows() if not (r.reachable and r.day)]
    raise SystemExit(f"halls not reachable at the region after {timeout:.0f} s: {down}")


def measure(fabric: NetFabric, svc: RegionService, samples: int) -> tuple[list, list]:
    halls = fabric.ids
    kiosks, watches = {}, {}
    for h in halls:
        fabric.device(h, "counter1").send("open", staff="bench")
        kiosks[h] = fabric.device(h, "kiosk1")
        watches[h] = LocalWatch(fabric, h)
    local, region = [], []
    try:
        for i in range(samples):
            h = halls[i % len(halls)]
            before = svc.feeds[h].hall.issued if svc.feeds[h].hall else 0
            seen: list[float] = []  # the region's wait runs beside the local one
            waiter = threading.Thread(
                target=lambda h=h, n=before + 1, out=seen: out.append(region_wait_for(svc, h, n))
            )
            waiter.start()
            t0 = time.perf_counter()
            kiosks[h].send("issue", service="rs01")
            local.append(watches[h].wait_for(before + 1) - t0)
            waiter.join()
            region.append(seen[0] - t0)
    finally:
        for w in watches.values():
            w.link.stop()
    return local, region


def ms(values: list[float], pct: float) -> str:
    v = percentile(values, pct)
    return "—" if v is None else f"{v * 1000:7.1f} ms"


def report_rss(fabric: NetFabric) -> None:
    per_hall = {
        h: rss_mb(fabric.hall_mqtt[h].proc.pid) + rss_mb(fabric.procs[h].pid)  # type: ignore[union-attr]
        for h in fabric.ids
    }
    mosq = [rss_mb(fabric.hall_mqtt[h].proc.pid) for h in fabric.ids]  # type: ignore[union-attr]
    region_mosq = rss_mb(fabric.region_mqtt.proc.pid)  # type: ignore[union-attr]
    print(f"RSS one hall (county: its Mosquitto + its service):  {per_hall['county']:6.1f} MB")
    print(f"RSS one hall (t01, a township):                       {per_hall['t01']:6.1f} MB")
    print(
        f"RSS per hall: mean {statistics.mean(per_hall.values()):.1f} MB "
        f"(of which Mosquitto {statistics.mean(mosq):.1f} MB)"
    )
    print(
        f"RSS all {len(per_hall)} halls together:                        "
        f"{sum(per_hall.values()):6.1f} MB"
    )
    print(f"RSS region Mosquitto:                                 {region_mosq:6.1f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=26)
    ap.add_argument("--samples", type=int, default=270, help="tickets, round-robin over halls")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fabric = NetFabric(Path(tmp), args.townships, services="process")
        svc = None
        try:
            t = time.monotonic()
            fabric.start()
            svc = RegionService(fabric.region)
            svc.start()
            took = wait_all_reachable(svc)
            n = len(fabric.ids)
            print(
                f"{n} halls up in {time.monotonic() - t:.1f} s "
                f"(all reachable at the region {took:.1f} s after its service started)"
            )
            local, region = measure(fabric, svc, args.samples)
            print(f"staleness over {len(region)} tickets (issue sent -> state seen):")
            print(
                f"  baseline, the hall's own Mosquitto:  p50 {ms(local, 50)}  p99 {ms(local, 99)}"
            )
            print(
                f"  the region service (region board):  p50 {ms(region, 50)}  p99 {ms(region, 99)}"
            )
            added = [r - lo for r, lo in zip(region, local, strict=True)]
            print(
                f"  added by bridge + region:            p50 {ms(added, 50)}  p99 {ms(added, 99)}"
            )
            report_rss(fabric)
        finally:
            if svc is not None:
                svc.stop()
            fabric.stop()


if __name__ == "__main__":
    main()
