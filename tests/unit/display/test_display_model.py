"""DisplayModel: zone filter, restore from retained state, stale events, recall, waiting rows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from display.model import DisplayModel, HallInfo
from hallq.contract import CalledEvent, ServiceState, WindowState
from hallq.core.model import TicketState, WindowStatus
from hardware.voice import Call as Announcement

T0 = 1_800_000_000.0


def info() -> HallInfo:
    return HallInfo(
        window_names={"w01": "1号窗口", "w02": "2号窗口", "w03": "3号窗口"},
        window_zones={"w01": "F1", "w02": "F1", "w03": "F2"},
        service_names={"A": "社保", "B": "医保", "C": "公积金"},
        service_departments={"A": "rs", "B": "rs", "C": "gjj"},
        department_names={"rs": "人社局", "gjj": "公积金中心"},
        zone_services={"F1": {"A", "B"}, "F2": {"C"}},
    )


def ev(ticket: str, window: str, at: float, **kw: object) -> CalledEvent:
    return CalledEvent(ticket=ticket, window=window, at=at, service="A", **kw)  # type: ignore[arg-type]


def ws(
    window: str, ticket: str | None, called_at: float | None, state: str = "called"
) -> WindowState:
    return WindowState(
        window=window,
        name="",
        zone=info().window_zones[window],
        status=WindowStatus.OPEN,
        ticket=ticket,
        ticket_state=TicketState(state) if ticket else None,
        service="A",
        called_at=called_at,
    )


def test_fresh_call_is_shown_highlighted_and_announced() -> None:
    m = DisplayModel(info())
    a = m.on_called(ev("A001", "w01", T0), now=T0 + 0.1)
    assert a == Announcement("A001", "1号窗口", False)
    v = m.view(T0 + 1)
    assert v.latest is not None and v.latest.ticket == "A001"
    assert v.latest.window_name == "1号窗口" and v.latest.service_name == "社保"
    assert v.is_highlighted
    assert not m.view(T0 + 60).is_highlighted


def test_event_window_name_wins_over_config() -> None:
    m = DisplayModel(info())
    a = m.on_called(ev("A001", "w01", T0, window_name="一号窗"), now=T0)
    assert a is not None and a.window_name == "一号窗"


def test_stale_event_is_shown_not_announced() -> None:
    m = DisplayModel(info(), stale_s=30)
    assert m.on_called(ev("A001", "w01", T0), now=T0 + 31) is None
    v = m.view(T0 + 31)
    assert v.latest is not None and v.latest.ticket == "A001"
    assert not v.is_highlighted


def test_zone_filter_on_events_and_states() -> None:
    m = DisplayModel(info(), zone="F2")
    assert m.on_called(ev("A001", "w01", T0), now=T0) is None
    assert m.on_called(ev("C001", "w03", T0 + 1), now=T0 + 1) is not None
    m.on_window(ws("w02", "A002", T0 + 2))
    v = m.view(T0 + 2)
    assert [c.ticket for c in [v.latest, *v.recent] if c] == ["C001"]


def test_event_zone_field_overrides_config_zone() -> None:
    m = DisplayModel(info(), zone="F2")
    assert m.on_called(ev("A001", "w01", T0, zone="F2"), now=T0) is not None


def test_restore_from_retained_states_newest_first_never_announced() -> None:
    m = DisplayModel(info())
    m.on_window(ws("w01", "A001", T0))
    m.on_window(ws("w02", "A002", T0 + 5))
    m.on_window(ws("w03", None, None))
    v = m.view(T0 + 10)
    assert v.latest is not None and v.latest.ticket == "A002"
    assert v.latest.window_name == "2号窗口"
    assert [c.ticket for c in v.recent] == ["A001"]
    assert not v.is_highlighted


def test_finished_ticket_in_retained_state_is_not_a_current_call() -> None:
    m = DisplayModel(info())
    m.on_window(ws("w01", "A001", T0, state="done"))
    assert m.view(T0).latest is None


def test_retained_state_after_event_does_not_duplicate() -> None:
    m = DisplayModel(info())
    m.on_called(ev("A001", "w01", T0), now=T0)
    m.on_window(ws("w01", "A001", T0))
    v = m.view(T0)
    assert v.latest is not None and v.recent == []


def test_redelivered_event_not_announced_twice() -> None:
    m = DisplayModel(info())
    assert m.on_called(ev("A001", "w01", T0), now=T0) is not None
    assert m.on_called(ev("A001", "w01", T0), now=T0 + 1) is None


def test_recall_is_announced_again_and_moves_to_top() -> None:
    m = DisplayModel(info())
    m.on_called(ev("A001", "w01", T0), now=T0)
    m.on_called(ev("A002", "w02", T0 + 10), now=T0 + 10)
    a = m.on_called(ev("A001", "w01", T0 + 20, recall=True), now=T0 + 20)
    assert a == Announcement("A001", "1号窗口", True)
    v = m.view(T0 + 21)
    assert v.latest is not None and v.latest.ticket == "A001" and v.latest.recall
    assert [c.ticket for c in v.recent] == ["A002"] and v.is_highlighted


def test_recent_list_is_bounded() -> None:
    m = DisplayModel(info(), recent=6)
    for i in range(20):
        m.on_called(ev(f"A{i:03d}", "w01", T0 + i), now=T0 + i)
    v = m.view(T0 + 20)
    assert v.latest is not None and v.latest.ticket == "A019"
    assert [c.ticket for c in v.recent] == [f"A{i:03d}" for i in range(18, 12, -1)]


def test_waiting_rows_per_service_then_per_department_when_too_many() -> None:
    m = DisplayModel(info())
    m.on_service(ServiceState(service="A", name="社保", department="rs", waiting=3, est_wait_s=600))
    m.on_service(ServiceState(service="B", name="医保", department="rs", waiting=2))
    m.on_service(ServiceState(service="C", name="公积金", department="gjj", waiting=0))
    v = m.view(T0, max_rows=5)
    assert [(r.name, r.waiting, r.est_wait_min) for r in v.waiting] == [
        ("社保", 3, 10),
        ("医保", 2, None),
    ]
    assert v.waiting_total == 5
    v = m.view(T0, max_rows=1)
    assert [(r.name, r.waiting) for r in v.waiting] == [("人社局", 5)]


def test_zone_display_counts_only_its_services() -> None:
    m = DisplayModel(info(), zone="F2")
    m.on_service(ServiceState(service="A", waiting=3))
    m.on_service(ServiceState(service="C", waiting=4))
    assert m.view(T0).waiting_total == 4


def test_online_flag_follows_link() -> None:
    m = DisplayModel(info())
    assert not m.view(T0).is_online
    m.set_online(True)
    assert m.view(T0).is_online


@given(st.lists(st.tuples(st.sampled_from(["w01", "w02", "w03"]), st.integers(0, 50)), max_size=40))
def test_calls_always_newest_first_unique_and_bounded(calls: list[tuple[str, int]]) -> None:
    m = DisplayModel(info(), recent=6)
    for i, (w, t) in enumerate(calls):
        m.on_called(ev(f"A{t:03d}", w, T0 + i), now=T0 + i)
    shown = m.calls
    assert len(shown) <= 7
    assert [c.at for c in shown] == sorted((c.at for c in shown), reverse=True)
    assert len({(c.ticket, c.window) for c in shown}) == len(shown)


def test_event_after_its_window_state_is_still_announced_and_highlighted() -> None:
    """The broker publishes retained state before the event: the call must still be said."""
    m = DisplayModel(info())
    m.on_window(ws("w01", "A001", T0))
    assert m.on_called(ev("A001", "w01", T0), now=T0) == Announcement("A001", "1号窗口")
    v = m.view(T0 + 1)
    assert v.is_highlighted and v.latest is not None and v.recent == []


def test_display_clock_ahead_of_broker_loses_at_most_the_first_announcement() -> None:
    m = DisplayModel(info(), stale_s=30)
    skew = 300.0  # the display's clock runs 5 minutes fast
    assert m.on_called(ev("A001", "w01", T0), now=T0 + skew) is None
    assert m.on_called(ev("A002", "w01", T0 + 5), now=T0 + 5 + skew) is not None
    assert m.view(T0 + 6 + skew).is_highlighted
    assert m.on_called(ev("A003", "w01", T0 + 10), now=T0 + 10 + skew + 120) is None  # late


def test_display_clock_behind_broker_still_drops_late_events() -> None:
    m = DisplayModel(info(), stale_s=30)
    skew = -300.0
    assert m.on_called(ev("A001", "w01", T0), now=T0 + skew) is not None
    assert m.on_called(ev("A002", "w01", T0 + 5), now=T0 + 5 + skew + 120) is None


def test_calls_come_from_events_only_once_live() -> None:
    """event/called is the one source of calls: the window state the broker publishes just
    before the event neither shows the call early nor needs reconciling with the event."""
    m = DisplayModel(info())
    assert m.on_called(ev("A001", "w01", T0), now=T0) is not None
    m.on_window(ws("w02", "A002", T0 + 5))  # state first, as the broker publishes it
    v = m.view(T0 + 5)
    assert v.latest is not None and v.latest.ticket == "A001"
    assert m.on_called(ev("A002", "w02", T0 + 5), now=T0 + 5) == Announcement("A002", "2号窗口")
    v = m.view(T0 + 5)
    assert v.latest is not None and v.latest.ticket == "A002" and v.is_highlighted
    assert [c.ticket for c in v.recent] == ["A001"]


def test_reconnection_restores_calls_missed_while_offline_silently() -> None:
    m = DisplayModel(info())
    m.set_online(True)
    m.on_called(ev("A001", "w01", T0), now=T0)
    m.set_online(False)
    m.set_online(True)  # the retained window states follow the reconnection
    m.on_window(ws("w01", "A001", T0))
    m.on_window(ws("w02", "A002", T0 + 60))  # called while this display was offline
    v = m.view(T0 + 61)
    assert v.latest is not None and v.latest.ticket == "A002" and not v.is_highlighted
    assert [c.ticket for c in v.recent] == ["A001"]


def closed(code: str, opens_at: float | None, is_open: bool = False) -> ServiceState:
    reason = None if is_open else "hall_closed"
    return ServiceState(service=code, open=is_open, closed_reason=reason, opens_at=opens_at)


def test_a_closed_hall_says_when_it_opens_next():
    m = DisplayModel(info(), zone="F1")
    tomorrow_0830 = T0 + 16.5 * 3600  # T0 is 16:00 local
    m.on_service(closed("A", tomorrow_0830 + 3600))
    m.on_service(closed("B", tomorrow_0830))
    m.on_service(closed("C", None, is_open=True))  # another zone's service
    v = m.view(T0)
    assert v.opens_at == tomorrow_0830
    assert v.opens_text == "明天 08:30 开始取号 · Tickets from tomorrow 08:30"
    m.on_service(closed("A", None, is_open=True))
    assert (m.view(T0).opens_at, m.view(T0).opens_text) == (None, "")


def test_a_case_moving_on_is_sent_to_the_window_for_its_next_service() -> None:
    m = DisplayModel(info())
    case = {"matter": "birth", "matter_name": "新生儿出生一件事", "steps": 4}
    first = m.on_called(ev("D001", "w01", T0, service_name="出生登记", step=1, **case), T0)
    assert first == Announcement("D001", "1号窗口", False)  # step 1: a call like any other
    nxt = m.on_called(ev("D001", "w02", T0 + 60, service_name="户口登记", step=2, **case), T0 + 60)
    assert nxt == Announcement("D001", "2号窗口", False, service="户口登记")
    latest = m.view(T0 + 61).latest
    assert latest is not None and latest.step == "一件事 第2步/共4步"
    plain = m.on_called(ev("A002", "w01", T0 + 70), T0 + 70)
    assert plain is not None and plain.service == ""


def test_call_the_announcer_could_not_say_is_flagged_on_its_line() -> None:
    m = DisplayModel(info(), is_announcing=True)
    said = m.on_called(ev("A001", "w01", T0), now=T0 + 0.5)
    late = m.on_called(ev("A002", "w02", T0 + 1), now=T0 + 1.5)
    assert said is not None and late is not None
    assert m.on_unsaid(late)
    v = m.view(T0 + 2)
    assert v.latest is not None and v.latest.ticket == "A002" and v.latest.unsaid
    assert [c.unsaid for c in v.recent] == [False]
    assert not m.on_unsaid(Announcement("Z999", "9号窗口"))  # not on the wall: nothing to flag


def test_stale_call_is_flagged_unsaid_only_on_a_display_that_announces() -> None:
    speaking, silent = DisplayModel(info(), is_announcing=True), DisplayModel(info())
    for m in (speaking, silent):
        m.on_called(ev("A001", "w01", T0), now=T0 + 0.5)
        assert m.on_called(ev("A000", "w02", T0 - 100), now=T0 + 1) is None  # 100 s late
    assert [c.unsaid for c in speaking.calls] == [False, True]
    assert [c.unsaid for c in silent.calls] == [False, False]


def test_a_joint_review_calls_the_citizen_to_the_room_in_its_zone() -> None:
    m = DisplayModel(info(), zone="F1")
    room = {"window_name": "第一联审室", "zone": "F1", "review": "J001", "matter": "birth"}
    said = m.on_called(ev("D001", "lsl1", T0, step=2, steps=4, service_name="户口登记", **room), T0)
    # the room, no service named: "请D零零一号到第一联审室" (the room template)
    assert said == Announcement("D001", "第一联审室", False, room=True)
    latest = m.view(T0 + 1).latest
    assert latest is not None and latest.step == "联审 Joint review"
    other = DisplayModel(info(), zone="F2")
    assert other.on_called(ev("D001", "lsl1", T0, **room), T0) is None  # another floor's room


def test_a_carried_case_calls_its_agent_not_the_citizen() -> None:
    m = DisplayModel(info())
    case = {"matter": "birth", "matter_name": "新生儿出生一件事", "steps": 4, "agent": "帮办员王"}
    said = m.on_called(ev("D001", "w01", T0, service_name="出生登记", step=1, **case), T0)
    assert said == Announcement("D001", "1号窗口", False, service="出生登记", agent="帮办员王")
    latest = m.view(T0 + 1).latest
    assert latest is not None and latest.agent == "帮办员王"
    room = {"window_name": "第一联审室", "review": "J001", **case}
    to_room = m.on_called(ev("D001", "lsl1", T0 + 9, step=2, **room), T0 + 9)
    assert to_room == Announcement(
        "D001", "第一联审室", False, service="联审", agent="帮办员王", room=True
    )


def test_the_wall_says_when_the_queue_service_is_gone_and_restores_when_back() -> None:
    from display.model import DisplayModel, HallInfo

    m = DisplayModel(HallInfo())
    m.set_online(True)
    m.is_restoring = False
    m.set_service(False)
    v = m.view(0.0)
    assert v.is_online and not v.is_service_up and m.is_restoring  # restore on return
    m.set_service(True)
    assert m.view(0.0).is_service_up
