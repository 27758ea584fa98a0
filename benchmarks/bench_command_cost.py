"""Service CPU per command against the size of the day: a small day beside a busy one.

Run: python benchmarks/bench_command_cost.py [--small 600] [--big 20000] [--n 2000]

The real service (decode, decide, apply, one SQLite commit per command, build and encode every
payload it publishes) runs in this process on the example hall; the link is a sink that encodes
each payload to bytes as MqttLink would, so publishing costs what it costs. The day is filled
with issued-and-finished tickets first; then a mix of issue / call_next / finish is timed. The
goal (issue 15) is the big day's cost per command within 20% of the small day's.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from app.bootstrap import build_broker  # noqa: E402
from broker.service import BrokerService  # noqa: E402
from hallq.config import load_config  # noqa: E402
from hallq.protocol import encode  # noqa: E402

EXAMPLE = ROOT / "examples" / "hall.toml"
NOW = 1_795_831_200.0  # 2026-11-28 10:00 in Asia/Shanghai, a Saturday (the hall is open)


class Sink:
    """MqttLink's publish without a network: encode, count bytes."""

    is_connected = True

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    def publish(self, topic: str, payload, *, retain: bool = False, qos: int = 1) -> bool:
        data = payload if isinstance(payload, bytes) else encode(payload)
        self.messages += 1
        self.bytes += len(data)
        return True


def fresh_service(
    tmp: Path, clock: list[float], services_in_state: bool = True
) -> tuple[BrokerService, Sink, list]:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = re.sub(r'store = "[^"]*"', f'store = "{tmp}/hallq.db"', text)
    if not services_in_state:
        text = text.replace("[mqtt]\n", "[mqtt]\nwindow_services_in_state = false\n", 1)
    hall = tmp / "hall.toml"
    hall.write_text(text, encoding="utf-8")
    cfg = load_config(hall)
    sink = Sink()
    service = build_broker(cfg, with_link=False, clock=lambda: clock[0])
    service.link = sink  # type: ignore[assignment]
    service.load()
    counters = [d for d in cfg.devices if d.role == "counter"]
    kiosk = next(d.id for d in cfg.devices if d.role == "kiosk")
    for d in counters:
        service.handle(d.id, encode({"id": "open", "op": "open", "staff": f"S{d.id[-2:]}"}))
    services = [s.code for s in cfg.services]
    return service, sink, [kiosk, counters, services]


def fill(service: BrokerService, ctx: list, clock: list[float], tickets: int) -> None:
    """Issue ``tickets`` and serve them as they come (a late afternoon's history, with a
    realistic line rather than thousands waiting), in large batches (one commit each) so that
    building the day does not take minutes."""
    kiosk, counters, services = ctx
    n = rounds = 0
    per_round = len(counters) // 2
    while n < tickets:
        rounds += 1
        clock[0] += 5
        codes = [services[(rounds * per_round + i) % len(services)] for i in range(per_round)]
        batch = [
            (kiosk, encode({"id": f"f{rounds}-{i}", "op": "issue", "service": code}))
            for i, code in enumerate(codes)
        ]
        issued = sum(r.get("ok", False) for r in service.handle_batch(batch))
        if not issued:
            raise SystemExit(f"the hall issues no tickets at {clock[0]}: {batch[0]}")
        n += issued
        for op in ("call_next", "finish"):
            batch = [(d.id, encode({"id": f"{op}{rounds}{d.id}", "op": op})) for d in counters]
            service.handle_batch(batch)


def timed(service: BrokerService, ctx: list, clock: list[float], n: int) -> list[float]:
    kiosk, counters, services = ctx
    costs: list[float] = []
    for i in range(n):
        clock[0] += 0.5
        if i % 3 == 0:
            device, body = kiosk, {"op": "issue", "service": services[i % len(services)]}
        else:
            d = counters[i % len(counters)]
            device, body = d.id, {"op": "call_next" if i % 3 == 1 else "finish"}
        payload = encode({"id": f"t{i}", **body})
        started = time.process_time()
        service.handle(device, payload)
        costs.append(time.process_time() - started)
    return costs


def run(tickets: int, n: int, services_in_state: bool = True) -> tuple[float, float, int, float]:
    clock = [NOW]
    with tempfile.TemporaryDirectory() as tmp:
        service, sink, ctx = fresh_service(Path(tmp), clock, services_in_state)
        fill(service, ctx, clock, tickets)
        day = len(service.engine.tickets)
        sink.messages = sink.bytes = 0
        costs = timed(service, ctx, clock, n)
        per_msg = sink.bytes / max(sink.messages, 1)
        service.store.close()
    ms = sorted(c * 1000 for c in costs)
    return statistics.fmean(ms), ms[int(0.99 * (len(ms) - 1))], day, per_msg


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=600)
    ap.add_argument("--big", type=int, default=20_000)
    ap.add_argument("--n", type=int, default=2000, help="timed commands per day size")
    args = ap.parse_args()
    print(f"example hall, {args.n} timed commands (issue / call_next / finish) per day size")
    results = {}
    for label, tickets in (("small", args.small), ("big", args.big)):
        mean, p99, day, per_msg = run(tickets, args.n)
        results[label] = mean
        print(
            f"{label:5} day: {day:6,} tickets   CPU per command mean {mean:.3f} ms   "
            f"p99 {p99:.3f} ms   published {per_msg:,.0f} B/message"
        )
    ratio = results["big"] / results["small"]
    print(f"big / small = {ratio:.2f}  (goal: <= 1.20)")
    mean, p99, day, per_msg = run(args.big, args.n, services_in_state=False)
    print(
        f"big day, mqtt.window_services_in_state = false: CPU per command mean {mean:.3f} ms   "
        f"p99 {p99:.3f} ms   published {per_msg:,.0f} B/message"
    )


if __name__ == "__main__":
    msgspec.json.encode(None)  # import cost out of the first timing
    main()
