"""Number leases and offline tickets (issue 14 item 2): the rules, and a property over random
offline / online / restart / day-rollover sequences of two kiosks: no number is ever doubled."""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import NOW, small_layout

from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.leases import blocks_of
from hallq.core.model import TicketState
from hallq.core.views import hall_view, service_view, window_view

DAY = 86400.0


def _engine() -> Engine:
    e = Engine(small_layout())
    for w in ("w1", "w2", "w3"):
        e.run("open", NOW, window=w)
    return e


def test_a_lease_takes_a_block_from_the_counter_so_online_numbers_skip_it():
    e = _engine()
    assert e.run("issue", NOW, service="A")[-1].data["ticket"] == "A001"
    leased = e.run("lease", NOW, device="k1", prefixes=["A", "B"], count=5)
    assert [(ev.data["prefix"], ev.data["first"], ev.data["last"]) for ev in leased] == [
        ("A", 2, 6),
        ("B", 1, 5),
    ]
    assert e.run("issue", NOW, service="A")[-1].data["ticket"] == "A007"
    assert e.run("issue", NOW, service="C")[-1].data["ticket"] == "B006"  # C numbers with B
    assert blocks_of(e, "k1") == [
        {"prefix": "A", "first": 2, "last": 6},
        {"prefix": "B", "first": 1, "last": 5},
    ]


def test_a_lease_only_tops_up_what_the_kiosk_has_not_used():
    e = _engine()
    e.run("lease", NOW, device="k1", prefixes=["A"], count=5)
    assert e.run("lease", NOW + 1, device="k1", prefixes=["A"], count=5) == []
    e.run(
        "issue_offline",
        NOW + 60,
        device="k1",
        service="A",
        ticket="A001",
        issued_at=NOW + 50,
        day=e.day,
    )
    again = e.run("lease", NOW + 70, device="k1", prefixes=["A"], count=5)
    assert [(ev.data["first"], ev.data["last"]) for ev in again] == [(6, 6)]


def test_offline_tickets_join_at_their_issue_time_and_are_callable():
    e = _engine()
    e.run("lease", NOW, device="k1", prefixes=["A"], count=3)
    e.run("issue", NOW + 100, service="A")  # A004, online, while k1 is cut off
    ev = e.run(
        "issue_offline",
        NOW + 300,
        device="k1",
        service="A",
        ticket="A002",
        issued_at=NOW + 40,
        day=e.day,
    )[-1]
    assert ev.data["issued_at"] == NOW + 40 and ev.data["offline"] and ev.data["ahead"] == 0
    t = e.tickets["A002"]
    assert t.state is TicketState.WAITING and t.issued_at == NOW + 40 and t.offline
    called = e.run("call_next", NOW + 400, window="w1")[-1]
    assert called.data["ticket"] == "A002" and called.data["wait_s"] == 360


def test_issue_time_is_clamped_to_the_lease_and_the_service_clock():
    e = _engine()
    e.run("lease", NOW + 100, device="k1", prefixes=["A"], count=3)
    early = e.run(
        "issue_offline",
        NOW + 200,
        device="k1",
        service="A",
        ticket="A001",
        issued_at=NOW - 5000,
        day=e.day,
    )[-1]
    late = e.run(
        "issue_offline",
        NOW + 300,
        device="k1",
        service="A",
        ticket="A002",
        issued_at=NOW + 9999,
        day=e.day,
    )[-1]
    assert early.data["issued_at"] == NOW + 100  # not before the number was leased
    assert late.data["issued_at"] == NOW + 300  # a kiosk clock ahead cannot jump the line


@pytest.mark.parametrize(
    ("case"),
    [
        ("k2", "A", "A001", 0, ErrorCode.NOT_LEASED, "not leased to k2"),
        ("k1", "A", "A009", 0, ErrorCode.NOT_LEASED, "not leased to k1"),
        ("k1", "B", "A001", 0, ErrorCode.NOT_LEASED, "not a number of prefix B"),
        ("k1", "A", "A001", -1, ErrorCode.NOT_LEASED, "leases end with their day"),
        ("k1", "Z", "A001", 0, ErrorCode.UNKNOWN_SERVICE, "no service"),
    ],
)
def test_offline_tickets_the_lease_does_not_cover_are_refused(case):
    device, service, ticket, day_offset, code, words = case
    e = _engine()
    e.run("lease", NOW, device="k1", prefixes=["A"], count=3)
    day = e.day if day_offset == 0 else "2020-01-01"
    with pytest.raises(QueueError) as exc:
        e.run(
            "issue_offline",
            NOW + 9,
            device=device,
            service=service,
            ticket=ticket,
            issued_at=NOW,
            day=day,
        )
    assert exc.value.code is code and words in exc.value.message


def test_a_number_joins_once():
    e = _engine()
    e.run("lease", NOW, device="k1", prefixes=["A"], count=3)
    e.run(
        "issue_offline", NOW + 9, device="k1", service="A", ticket="A001", issued_at=NOW, day=e.day
    )
    with pytest.raises(QueueError) as exc:
        e.run(
            "issue_offline",
            NOW + 19,
            device="k1",
            service="A",
            ticket="a001",
            issued_at=NOW,
            day=e.day,
        )
    assert exc.value.code is ErrorCode.BAD_STATE


def test_leases_end_with_their_business_day():
    e = _engine()
    e.run("lease", NOW, device="k1", prefixes=["A"], count=3)
    old_day = e.day
    e.apply_all(e.tick(NOW + DAY))
    assert e.leases == {} and e.counters == {}
    with pytest.raises(QueueError) as exc:
        e.run(
            "issue_offline",
            NOW + DAY,
            device="k1",
            service="A",
            ticket="A001",
            issued_at=NOW + 10,
            day=old_day,
        )
    assert exc.value.code is ErrorCode.NOT_LEASED


# ----------------------------------------------------------------- the property
KIOSKS = ["k1", "k2"]
SERVICES = ["A", "B", "C"]
PREFIX = {"A": "A", "B": "B", "C": "B"}
step = st.one_of(
    st.tuples(st.just("online"), st.sampled_from(SERVICES)),
    st.tuples(st.just("offline"), st.sampled_from(KIOSKS), st.sampled_from(SERVICES)),
    st.tuples(st.just("cut"), st.sampled_from(KIOSKS)),
    st.tuples(st.just("back"), st.sampled_from(KIOSKS)),
    st.tuples(st.just("lease"), st.sampled_from(KIOSKS), st.integers(1, 4)),
    st.tuples(st.just("call"), st.sampled_from(["w1", "w2", "w3"])),
    st.tuples(st.just("restart")),
    st.tuples(st.just("rollover")),
    st.tuples(st.just("wait"), st.integers(1, 900)),
)


class Kiosk:
    """What a kiosk keeps on disk: its blocks and used numbers per day, its outbox."""

    def __init__(self, name: str) -> None:
        self.name, self.day, self.free, self.outbox = name, "", defaultdict(list), []
        self.online = True

    def take(self, service: str, day: str) -> str | None:
        prefix = PREFIX[service]
        if self.day != day or not self.free[prefix]:
            return None  # no lease for today: the kiosk cannot issue offline
        return f"{prefix}{self.free[prefix].pop(0):03d}"

    def leased(self, e: Engine, used: set[str]) -> None:
        self.day, self.free = e.day, defaultdict(list)
        for b in blocks_of(e, self.name):
            for seq in range(b["first"], b["last"] + 1):
                no = f"{b['prefix']}{seq:03d}"
                if no not in e.tickets and no not in used:
                    self.free[b["prefix"]].append(seq)


class Hall:
    def __init__(self) -> None:
        self.e, self.stored, self.now = Engine(small_layout()), [], NOW
        self.stored += [ev for w in ("w1", "w2", "w3") for ev in self._run("open", window=w)]
        self.kiosks = {k: Kiosk(k) for k in KIOSKS}
        self.printed: dict[str, list[str]] = defaultdict(list)  # day -> every number printed

    def _run(self, op: str, **kw) -> list:
        try:
            events = self.e.run(op, self.now, **kw)
        except QueueError:
            return []
        self.stored += events
        return events

    def do(self, name: str, *args) -> None:
        self.now += 5
        getattr(self, "_" + name)(*args)

    def _online(self, service):
        issued = self._run("issue", service=service)
        if issued:
            self.printed[self.e.day].append(issued[-1].data["ticket"])

    def _offline(self, kiosk, service):
        k = self.kiosks[kiosk]
        k.online = False
        day = self.e.clock.business_day(self.now)  # the kiosk's own clock and config
        number = k.take(service, day)
        if number is not None:
            self.printed[day].append(number)
            k.outbox.append((service, number, self.now, day))

    def _cut(self, kiosk):
        self.kiosks[kiosk].online = False

    def _back(self, kiosk):
        k = self.kiosks[kiosk]
        k.online = True
        for service, number, at, day in k.outbox:  # in order; a refusal is final
            self._run(
                "issue_offline", device=kiosk, service=service, ticket=number, issued_at=at, day=day
            )
        k.outbox = []
        self._lease(kiosk, 3)

    def _lease(self, kiosk, count):
        k = self.kiosks[kiosk]
        if k.online and not k.outbox:
            self._run("lease", device=kiosk, prefixes=["A", "B"], count=count)
            used = {n for _s, n, _a, _d in k.outbox}
            k.leased(self.e, used | set(self.printed[self.e.day]))

    def _call(self, window):
        self._run("call_next", window=window)

    def _restart(self):
        self.e = Engine(small_layout())
        self.e.apply_all(self.stored)

    def _rollover(self):
        self.now += DAY / 2
        self.stored += (ticked := self.e.tick(self.now))
        self.e.apply_all(ticked)
        for w in ("w1", "w2", "w3"):
            self._run("open", window=w)

    def _wait(self, seconds):
        self.now += seconds


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=70))
def test_no_number_is_ever_doubled_and_replay_equals_live(steps):
    hall = Hall()
    for s in steps:
        hall.do(*s)
    for day, numbers in hall.printed.items():
        assert len(numbers) == len(set(numbers)), (day, numbers)  # on paper: never twice
    per_day: dict[str, list[str]] = defaultdict(list)
    for ev in hall.stored:
        if ev.kind == "ticket_issued":
            per_day[ev.data["day"]].append(ev.data["ticket"])
    for day, numbers in per_day.items():
        assert len(numbers) == len(set(numbers))
        assert set(numbers) <= set(hall.printed[day])
    again = Engine(small_layout())
    again.apply_all(hall.stored)
    for w in ("w1", "w2", "w3"):
        assert window_view(again, w) == window_view(hall.e, w)
    for code in SERVICES:
        assert service_view(again, code, hall.now) == service_view(hall.e, code, hall.now)
    assert hall_view(again, hall.now) == hall_view(hall.e, hall.now)
    assert again.leases == hall.e.leases


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=70))
def test_offline_tickets_of_today_wait_in_their_issue_order(steps):
    hall = Hall()
    for s in steps:
        hall.do(*s)
    for code in SERVICES:
        line = sorted(hall.e.waiting[code], key=lambda t: t.sort_key())
        offline = [t for t in line if t.offline and t.priority is None]
        assert [t.issued_at for t in offline] == sorted(t.issued_at for t in offline)


def test_the_lease_reply_lists_only_numbers_without_a_ticket():
    e = _engine()
    e.run("lease", NOW, device="k1", prefixes=["A"], count=5)
    e.run(
        "issue_offline", NOW + 9, device="k1", service="A", ticket="A003", issued_at=NOW, day=e.day
    )
    assert blocks_of(e, "k1") == [
        {"prefix": "A", "first": 1, "last": 2},
        {"prefix": "A", "first": 4, "last": 5},
    ]
