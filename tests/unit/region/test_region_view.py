"""What the region shows of a hall: reachable while its bridge is up and still ticking."""

from region.view import HEARTBEAT_LOST_S, HallFeed, is_reachable


def test_a_hall_whose_heartbeat_stopped_is_unreachable_before_mosquitto_says_so():
    feed = HallFeed(link_up=True, tick_at=100.0)
    assert is_reachable(feed, 100.0 + HEARTBEAT_LOST_S)
    assert not is_reachable(feed, 100.1 + HEARTBEAT_LOST_S)  # the bridge still says "1"


def test_the_bridge_state_decides_until_a_heartbeat_is_heard():
    assert is_reachable(HallFeed(link_up=True), 1e9)  # a region broker that sends no ticks
    assert not is_reachable(HallFeed(link_up=False, tick_at=100.0), 100.0)
