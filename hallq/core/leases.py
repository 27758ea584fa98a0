"""Number leases (issue 14): kiosks issue tickets while the service is unreachable.

A kiosk asks the service, while it is reachable, for blocks of numbers per prefix
(``numbers_leased``: device, prefix, first..last, business day). A block is taken from the top
of the prefix's counter, exactly as if that many tickets had been issued, so no later number
of the service (online issue or another lease) can fall inside it: every number of a day is
handed out once, by one decision of one service, and the decision is a stored event.

Offline the kiosk prints the next unused number of its block; when the service is back it
reports it with ``issue_offline``: the ticket joins its queue at the kiosk's issue time (its
real place in line), once, only from the kiosk holding the block, only on the block's day.
A number never used is not reused: the block ends with its business day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ErrorCode, QueueError
from .model import Event, EventKind, TicketState

if TYPE_CHECKING:
    from .engine import Engine

MAX_LEASE = 50  # numbers a kiosk may hold unused per prefix


@dataclass(frozen=True, slots=True)
class Lease:
    """One block of numbers leased to a device for a business day."""

    device: str
    prefix: str
    first: int
    last: int
    at: float  # when it was granted: an offline ticket cannot be older

    def holds(self, seq: int) -> bool:
        return self.first <= seq <= self.last


def number(prefix: str, seq: int) -> str:
    """A ticket number: prefix + at least 3 digits (A007, A1000)."""
    return f"{prefix}{seq:03d}"


def unused(e: Engine, device: str, prefix: str) -> int:
    """How many numbers leased to ``device`` for ``prefix`` today have no ticket yet."""
    return sum(
        1
        for lease in e.leases.get((device, prefix), ())
        for seq in range(lease.first, lease.last + 1)
        if number(prefix, seq) not in e.tickets
    )


def decide_lease(
    e: Engine, device: str, prefixes: list[str], count: int, now: float
) -> list[Event]:
    """Top ``device`` up to ``count`` unused numbers for each prefix: one new block per
    prefix that has fewer (none when it holds enough)."""
    known = {s.prefix for s in e.layout.services.values()}
    if not 0 < count <= MAX_LEASE:
        raise QueueError(ErrorCode.BAD_PAYLOAD, f"count must be 1..{MAX_LEASE}")
    events = []
    for prefix in sorted(set(prefixes)):
        if prefix not in known:
            raise QueueError(ErrorCode.UNKNOWN_SERVICE, f"no service numbers with {prefix!r}")
        need = count - unused(e, device, prefix)
        if need > 0:
            first = e.counters.get(prefix, 0) + 1
            data = {"device": device, "prefix": prefix, "first": first, "last": first + need - 1}
            events.append(Event(EventKind.NUMBERS_LEASED, now, {**data, "day": e.day}))
    return events


def blocks_of(e: Engine, device: str) -> list[dict[str, Any]]:
    """The device's numbers without a ticket yet, as runs (the ``lease`` reply): a kiosk
    that lost its own record never prints a number the service already has."""
    runs: list[dict[str, Any]] = []
    for (dev, prefix), leases in sorted(e.leases.items()):
        if dev != device:
            continue
        for lease in leases:
            for seq in range(lease.first, lease.last + 1):
                if number(prefix, seq) in e.tickets:
                    continue
                last = runs[-1] if runs else None
                if last and last["prefix"] == prefix and last["last"] == seq - 1:
                    last["last"] = seq
                else:
                    runs.append({"prefix": prefix, "first": seq, "last": seq})
    return runs


def decide_issue_offline(
    e: Engine,
    device: str,
    service: str,
    ticket: str,
    *,
    issued_at: float,
    day: str,
    now: float,
    priority: str | None = None,
) -> list[Event]:
    """A ticket a kiosk printed offline with a leased number joins its queue, at its issue
    time (clamped to [the lease's grant, now]: a kiosk clock ahead cannot jump the line)."""
    spec = e.layout.services.get(service)
    if spec is None:
        raise QueueError(ErrorCode.UNKNOWN_SERVICE, f"no service {service!r}")
    if priority is not None and priority not in e.layout.priority_classes:
        raise QueueError(ErrorCode.UNKNOWN_PRIORITY, f"no priority class {priority!r}")
    no = ticket.upper()
    lease = _lease_for(e, device, spec.prefix, no, day)
    if no in e.tickets:
        raise QueueError(ErrorCode.BAD_STATE, f"{no} was already issued")
    at = min(max(issued_at, lease.at), now)
    rank = at - e.boost_s(priority)
    ahead = sum(1 for t in e.queued(service) if t.rank_at <= rank)
    data = {
        "ticket": no,
        "service": service,
        "seq": int(no[len(spec.prefix) :]),
        "day": e.day,
        "priority": priority,
        "state": str(TicketState.WAITING),  # it was printed: the kiosk reports only those
        "ahead": ahead,
        "est_wait_s": None,
        "source": device,
        "offline": True,
        "issued_at": at,
    }
    return [Event(EventKind.TICKET_ISSUED, now, data)]


def _lease_for(e: Engine, device: str, prefix: str, no: str, day: str) -> Lease:
    """The block of ``device`` holding number ``no`` today, or a ``not_leased`` refusal
    saying why (another day, another prefix, not this kiosk's)."""
    if day != e.day:
        raise QueueError(
            ErrorCode.NOT_LEASED,
            f"{no} was leased for business day {day}; today is {e.day}: leases end with their day",
        )
    digits = no[len(prefix) :]
    if not no.startswith(prefix) or not digits.isdigit():
        raise QueueError(ErrorCode.NOT_LEASED, f"{no} is not a number of prefix {prefix}")
    seq = int(digits)
    for lease in e.leases.get((device, prefix), ()):
        if lease.holds(seq):
            return lease
    raise QueueError(ErrorCode.NOT_LEASED, f"{no} is not leased to {device} today")


def apply_leased(e: Engine, ev: Event) -> None:
    """``numbers_leased``: the block is the device's, and the counter passes it."""
    d = ev.data
    lease = Lease(d["device"], d["prefix"], int(d["first"]), int(d["last"]), ev.at)
    e.leases.setdefault((lease.device, lease.prefix), []).append(lease)
    e.counters[lease.prefix] = max(e.counters.get(lease.prefix, 0), lease.last)
