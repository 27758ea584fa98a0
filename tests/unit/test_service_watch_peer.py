"""The machine-gone case with two Mosquittos (issue 14): while the bridge between them is down,
a service's presence bridged from the other Mosquitto is stale (its last will died with that
machine), so devices show the outage before anyone promotes the standby."""

from hallq.contract import Presence, ServiceMode
from hallq.service_watch import Reach, ServiceWatch

HERE, THERE = "10.0.0.3:1883", "10.0.0.2:1883"


def watch(seen: list[bool]) -> ServiceWatch:
    w = ServiceWatch(["hallq", "hallq-b"], seen.append, here=lambda: HERE)
    w.on_connection(True)
    return w


def test_a_primary_seen_only_through_a_cut_bridge_counts_as_gone():
    seen: list[bool] = []
    w = watch(seen)
    primary = Presence(online=True, device="hallq", mode=ServiceMode.PRIMARY, via=THERE)
    standby = Presence(online=True, device="hallq-b", mode=ServiceMode.STANDBY, via=HERE)
    w.on_presence("hallq", primary)
    w.on_presence("hallq-b", standby)
    w.on_peer_message("hallq-peer/h", b"1")
    assert w.reach is Reach.OK and seen == []
    w.on_peer_message("hallq-peer/h", b"0")  # the primary's machine is gone
    assert w.reach is Reach.NO_SERVICE and seen == [False]
    promoted = Presence(online=True, device="hallq-b", mode=ServiceMode.PRIMARY, via=HERE)
    w.on_presence("hallq-b", promoted)  # `hallq broker promote` on this Mosquitto
    assert w.reach is Reach.OK and seen == [False, True]


def test_one_mosquitto_or_a_service_on_this_one_is_trusted_as_before():
    seen: list[bool] = []
    w = watch(seen)
    w.on_presence("hallq", Presence(online=True, device="hallq", mode=ServiceMode.PRIMARY))
    w.on_peer_message("hallq-peer/h", b"0")
    assert w.reach is Reach.OK  # no "via": a hall with one Mosquitto
    w.on_presence("hallq", Presence(online=True, mode=ServiceMode.PRIMARY, via=HERE))
    assert w.reach is Reach.OK and seen == []


def test_with_the_bridge_down_a_service_here_must_say_it_is_the_primary():
    seen: list[bool] = []
    w = watch(seen)
    w.on_peer_message("hallq-peer/h", b"0")
    w.on_presence("hallq-b", Presence(online=True, device="hallq-b", via=HERE))  # no mode
    assert w.reach is Reach.NO_SERVICE
