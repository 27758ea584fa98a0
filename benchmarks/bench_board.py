"""How fast the board computes a day's report and fans a change out to browsers.

Prints figures and, measured in the same run, a baseline:
- day report: ``day_report`` over a busy synthetic day vs. a bare pass over the same events;
- fan-out: a state message from a foreign thread (paho's role) to 50 browser queues vs. one bare
  ``call_soon_threadsafe`` hop to one queue.

Run: /tmp/venv/bin/python benchmarks/bench_board.py
"""

from __future__ import annotations

import asyncio
import random
import threading
import time

from board.hub import Hub
from board.stats import day_report
from hallq.core.model import Event
from hallq.core.percentile import percentile
from hallq.fakes import FakeLink

T0 = 1_795_395_600.0  # 2026-11-23 09:00 Asia/Shanghai


def busy_day(tickets: int = 4000, windows: int = 76, services: int = 147) -> list[Event]:
    rnd = random.Random(7)
    events = [
        Event("window_opened", T0, {"window": f"w{w}", "staff": f"s{w}"}) for w in range(windows)
    ]
    for n in range(tickets):
        at = T0 + n * 8
        t, svc, w = f"A{n:04d}", f"svc{rnd.randrange(services)}", f"w{rnd.randrange(windows)}"
        events.append(Event("ticket_issued", at, {"ticket": t, "service": svc, "seq": n}))
        events.append(Event("ticket_called", at + 600, {"ticket": t, "window": w}))
        events.append(Event("ticket_started", at + 630, {"ticket": t, "window": w}))
        events.append(Event("ticket_finished", at + 1000, {"ticket": t, "window": w}))
        events.append(
            Event("ticket_rated", at + 1010, {"ticket": t, "score": 1 + n % 5, "window": w})
        )
    events.sort(key=lambda e: e.at)
    return events


def bench_report() -> None:
    events = busy_day()
    start = time.perf_counter()
    kinds: dict[str, int] = {}
    for ev in events:
        kinds[ev.kind] = kinds.get(ev.kind, 0) + len(ev.data)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    r = day_report(events, "2026-11-23")
    took = time.perf_counter() - start
    print(
        f"day report: {len(events)} events, {r.total.tickets} tickets: {took * 1000:.1f} ms "
        f"(baseline bare pass {baseline * 1000:.1f} ms)"
    )


async def fan_out(browsers: int, rounds: int = 300) -> list[float]:
    link = FakeLink("h")
    hub = Hub(link, {}, {})
    hub.start(asyncio.get_running_loop())
    queues = [hub.attach() for _ in range(browsers)]
    lat = []
    for i in range(rounds):
        sent = time.perf_counter()
        threading.Thread(
            target=link.deliver, args=("hallq/h/state/service/S", {"service": "S", "waiting": i})
        ).start()
        for q in queues:
            await q.get()
        lat.append(time.perf_counter() - sent)
    return lat


async def bare_hop(rounds: int = 300) -> list[float]:
    loop, q = asyncio.get_running_loop(), asyncio.Queue()
    lat = []
    for i in range(rounds):
        sent = time.perf_counter()
        threading.Thread(target=loop.call_soon_threadsafe, args=(q.put_nowait, i)).start()
        await q.get()
        lat.append(time.perf_counter() - sent)
    return lat


def ms(values: list[float], pct: float) -> float:
    return (percentile(values, pct) or 0.0) * 1000


def main() -> None:
    bench_report()
    lat = asyncio.run(fan_out(50))
    base = asyncio.run(bare_hop())
    print(
        f"fan-out to 50 browsers: p50 {ms(lat, 50):.3f} ms, p99 {ms(lat, 99):.3f} ms "
        f"(baseline one bare hop: p50 {ms(base, 50):.3f} ms, p99 {ms(base, 99):.3f} ms)"
    )


if __name__ == "__main__":
    main()
