"""What the region shows of a hall, from its bridged state: pure functions, clock passed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hallq import contract as c

from .config import HallEntry

HEARTBEAT_LOST_S = 6.0  # three of the hall bridge's 2 s ticks missed (broker/bridge.py)


@dataclass
class HallFeed:
    """The latest of one hall's bridged messages, as the region service keeps them."""

    hall: c.HallState | None = None
    services: dict[str, c.ServiceState] = field(default_factory=dict)
    windows: dict[str, c.WindowState] = field(default_factory=dict)
    presence: dict[str, c.Presence] = field(default_factory=dict)
    link_up: bool = False
    changed_at: float | None = None  # when any of its data last changed (region clock)
    tick_at: float | None = None  # its bridge's last heartbeat (region clock; None: none yet)


def is_reachable(feed: HallFeed, now: float) -> bool:
    """The bridge says it is up and, once the hall's heartbeat has been heard, it still ticks
    (Mosquitto's own keep-alive verdict can take 13 s to come)."""
    if not feed.link_up:
        return False
    return feed.tick_at is None or now - feed.tick_at <= HEARTBEAT_LOST_S


def satisfaction(ratings: dict[str, int]) -> float | None:
    """Mean rating 1..5 of the day, None before the first."""
    n = sum(ratings.values())
    if not n:
        return None
    return round(sum(int(score) * count for score, count in ratings.items()) / n, 2)


def longest_wait(services: Iterable[c.ServiceState], now: float) -> tuple[float, int, bool]:
    """(longest wait s, that service's target s, any service over its target)."""
    longest, target, over = 0.0, 0, False
    for s in services:
        if s.oldest_waiting_at is None or not s.waiting:
            continue
        wait = max(0.0, now - s.oldest_waiting_at)
        over = over or (s.target_wait_s > 0 and wait > s.target_wait_s)
        if wait > longest:
            longest, target = wait, s.target_wait_s
    return round(longest, 1), target, over


def hall_row(entry: HallEntry, feed: HallFeed, now: float) -> c.RegionHall:
    h = feed.hall
    longest, target, over = longest_wait(feed.services.values(), now)
    return c.RegionHall(
        hall=entry.id,
        name=entry.name,
        level=entry.level,
        reachable=is_reachable(feed, now),
        waiting=h.waiting if h else 0,
        windows_open=h.windows_open if h else 0,
        longest_wait_s=longest,
        target_wait_s=target,
        over_target=over,
        issued=h.issued if h else 0,
        satisfaction=satisfaction(h.ratings) if h else None,
        devices_offline=sum(1 for p in feed.presence.values() if not p.online),
        stale_s=None if feed.changed_at is None else round(max(0.0, now - feed.changed_at), 1),
        day=h.day if h else "",
    )


def alerts(rows: Iterable[c.RegionHall]) -> list[dict[str, str]]:
    """Region alerts: a hall unreachable, a hall over its target wait."""
    out = []
    for r in rows:
        if not r.reachable:
            out.append(
                {
                    "hall": r.hall,
                    "kind": "unreachable",
                    "text": f"{r.name} 连接中断 / unreachable",
                }
            )
        if r.over_target:
            minutes = round(r.longest_wait_s / 60)
            out.append(
                {
                    "hall": r.hall,
                    "kind": "over_target",
                    "text": f"{r.name} 等候超时 {minutes} 分钟 / waiting over target",
                }
            )
    return out
