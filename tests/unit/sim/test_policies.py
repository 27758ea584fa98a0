"""The call-next policies behind the engine's policy seam."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hallq.call_reasons import RULE_WORDS, call_reason
from hallq.core.engine import Engine
from hallq.core.errors import ErrorCode, QueueError
from hallq.core.model import CallRule, Layout, PriorityClassSpec, ServiceSpec, Tier, WindowSpec
from hallq.core.policies import AGE_CAP, POLICIES, get_policy

NOW = 1_800_000_000.0  # a Friday, 16:00 in Asia/Shanghai


def layout() -> Layout:
    services = {
        "A": ServiceSpec("A", "A", "社保", "Social", "rs", target_wait_min=20, avg_service_min=10),
        "B": ServiceSpec("B", "B", "医保", "Medical", "yb", target_wait_min=20, avg_service_min=5),
    }
    windows = {
        "w1": WindowSpec("w1", "1号", "1", "rs", {"A": Tier.PRIMARY}),
        "w2": WindowSpec("w2", "2号", "2", "yb", {"B": Tier.PRIMARY, "A": Tier.SECONDARY}),
    }
    classes = {"elderly": PriorityClassSpec("elderly", "老年人", "Senior")}
    return Layout("t", services, windows, classes, priority_ratio=2)


def engine(policy: str) -> Engine:
    e = Engine(layout(), policy)
    for w in ("w1", "w2"):
        e.run("open", NOW - 3600, window=w)
    return e


def issue(e: Engine, service: str, at: float, priority: str | None = None) -> str:
    return str(e.run("issue", at, service=service, priority=priority)[-1].data["ticket"])


def test_engine_keeps_the_current_rules_by_default() -> None:
    assert Engine(layout()).policy.name == "default"


def test_unknown_policy_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="department_fifo"):
        get_policy("fastest")


@pytest.mark.parametrize("policy", list(POLICIES))
def test_secondary_service_is_served_when_the_own_line_is_empty_except_department_fifo(
    policy: str,
) -> None:
    e = engine(policy)
    issue(e, "A", NOW - 60)
    if policy == "department_fifo":
        with pytest.raises(QueueError) as refused:
            e.run("call_next", NOW, window="w2")
        assert refused.value.code is ErrorCode.QUEUE_EMPTY
    else:
        assert e.run("call_next", NOW, window="w2")[-1].data["service"] == "A"


def test_default_prefers_own_line_until_the_secondary_line_is_over_target() -> None:
    e = engine("default")
    for k in range(6):
        issue(e, "A", NOW - 300 + k)  # waited 5 min: under the 20-min target
    own = issue(e, "B", NOW - 10)
    assert e.run("call_next", NOW, window="w2")[-1].data["ticket"] == own


def test_dynamic_helps_a_line_whose_predicted_wait_passes_target() -> None:
    e = engine("dynamic")
    for k in range(6):  # 6 x 10 min on one own window: the last waits ~60 min > 20
        issue(e, "A", NOW - 300 + k)
    issue(e, "B", NOW - 10)
    called = e.run("call_next", NOW, window="w2")[-1]
    assert called.data["service"] == "A"


def test_dynamic_keeps_to_its_own_line_when_the_secondary_line_is_fine() -> None:
    e = engine("dynamic")
    issue(e, "A", NOW - 60)
    own = issue(e, "B", NOW - 10)
    assert e.run("call_next", NOW, window="w2")[-1].data["ticket"] == own


@settings(max_examples=30, deadline=None)
@given(
    policy=st.sampled_from(list(POLICIES)),
    fronts=st.lists(st.booleans(), min_size=1, max_size=20),
)
def test_front_priority_is_bounded_by_the_ratio_under_every_policy(
    policy: str, fronts: list[bool]
) -> None:
    e = engine(policy)
    for k, front in enumerate(fronts):
        issue(e, "A", NOW - 1000 + k, "elderly" if front else None)
    calls: list[bool] = []
    for k in range(len(fronts)):
        normals_waiting = any(not t.front for t in e.waiting["A"])
        ev = e.run("call_next", NOW + k, window="w1")[-1]
        front = e.tickets[ev.data["ticket"]].front
        if front and normals_waiting and True in calls:
            last_front = len(calls) - 1 - calls[::-1].index(True)
            assert len(calls) - 1 - last_front >= 2  # at least `ratio` normal calls between
        calls.append(front)
    assert not e.waiting["A"]  # nobody left behind


def called_service(e: Engine, window: str = "w2") -> str:
    return str(e.run("call_next", NOW, window=window)[-1].data["service"])


def test_fcfs_alis_takes_the_oldest_ticket_whatever_its_tier() -> None:
    e = engine("fcfs_alis")
    issue(e, "A", NOW - 300)  # secondary for w2, under target, but the oldest
    issue(e, "B", NOW - 10)
    assert called_service(e) == "A"
    assert called_service(e) == "B"


def test_gcmu_weighs_head_of_line_wait_by_service_rate() -> None:
    e = engine("gcmu")
    issue(e, "A", NOW - 300)  # 300 s / 600 s mean = 0.5
    issue(e, "B", NOW - 200)  # 200 s / 300 s mean = 0.67: the shorter service goes first
    assert called_service(e) == "B"
    e = engine("gcmu")
    issue(e, "A", NOW - 500)  # 0.83 beats 0.67
    issue(e, "B", NOW - 200)
    assert called_service(e) == "A"


def test_maxweight_weighs_line_length_by_service_rate() -> None:
    e = engine("maxweight")
    for k in range(3):
        issue(e, "A", NOW - 900 + k)  # 3 / 600 s
    issue(e, "B", NOW - 10)  # 1 / 300 s
    assert called_service(e) == "A"
    e = engine("maxweight")
    issue(e, "A", NOW - 900)  # 1 / 600 s
    issue(e, "B", NOW - 10)  # 1 / 300 s: the line that empties faster
    assert called_service(e) == "B"


def test_capped_cmu_weighs_wait_by_service_rate_under_the_cap_whatever_the_tier() -> None:
    e = engine("capped_cmu")
    issue(e, "A", NOW - 300)  # secondary at w2: 300 s / 600 s = 0.5
    issue(e, "B", NOW - 200)  # own: 200 s / 300 s = 0.67, the shorter service goes first
    called = e.run("call_next", NOW, window="w2")[-1]
    assert (called.data["service"], called.data["reason_code"]) == ("B", CallRule.CMU)
    e = engine("capped_cmu")
    issue(e, "A", NOW - 500)  # 0.83: a secondary line competes without being over target
    issue(e, "B", NOW - 200)
    assert called_service(e) == "A"


def test_capped_cmu_calls_a_line_past_its_cap_first_longest_wait_first() -> None:
    """The cap bounds the unfairness: c-mu alone would keep the long service waiting."""
    e = engine("capped_cmu")
    cap_s = AGE_CAP * 20 * 60  # both services: 20-min target
    old = issue(e, "A", NOW - cap_s - 60)  # 31 min / 600 s = 3.1, but past the 30-min cap
    for k in range(3):
        issue(e, "B", NOW - 1500 + k)  # own, short service: 1500 s / 300 s = 5 (c-mu's pick)
    called = e.run("call_next", NOW, window="w2")[-1]
    assert called.data["ticket"] == old
    assert called.data["reason_code"] == CallRule.OVER_CAP
    assert "31>30 min" in called.data["reason"]
    assert called_service(e) == "B"  # back to c-mu once nobody is past the cap


def test_guarded_cmu_helps_like_capped_cmu_while_its_own_lines_are_light() -> None:
    e = engine("guarded_cmu")
    issue(e, "A", NOW - 500)  # secondary at w2, 0.83 beats the own line's 0.67
    issue(e, "B", NOW - 200)  # the only B issued this hour: 300 s of work for one window
    assert called_service(e) == "A"


def busy_own_line(e: Engine) -> str:
    """Eight B tickets issued this hour at w2's own line (8 x 300 s: 67 % of its one window);
    seven already gone, the last one fresh."""
    for k in range(7):
        number = issue(e, "B", NOW - 3000 + 300 * k)
        e.run("cancel", NOW - 2990 + 300 * k, ticket=number, reason="left")
    return issue(e, "B", NOW - 200)


def test_guarded_cmu_keeps_to_a_loaded_own_line_while_the_other_line_is_on_track() -> None:
    e = engine("guarded_cmu")
    issue(e, "A", NOW - 500)  # c-mu's pick, but w1 will serve it well within 2 x target
    own = busy_own_line(e)
    called = e.run("call_next", NOW, window="w2")[-1]
    assert (called.data["ticket"], called.data["reason_code"]) == (own, CallRule.CMU)
    e = engine("capped_cmu")
    issue(e, "A", NOW - 500)
    busy_own_line(e)
    assert called_service(e) == "A"  # the unguarded rule helps


def test_guarded_cmu_helps_a_line_far_behind_even_when_its_own_line_is_loaded() -> None:
    e = engine("guarded_cmu")
    for k in range(5):  # predicted with w1 alone: 25 min + 5 x 10 min > 2 x 20 min
        issue(e, "A", NOW - 1500 + k)
    busy_own_line(e)
    assert called_service(e) == "A"


def test_guarded_cmu_helps_when_its_own_line_is_empty() -> None:
    e = engine("guarded_cmu")
    busy_own_line(e)
    e.run("cancel", NOW - 100, ticket=max(e.tickets), reason="left")
    issue(e, "A", NOW - 60)
    assert called_service(e) == "A"


def test_every_call_rule_has_words_for_the_counter() -> None:
    assert set(RULE_WORDS) == set(CallRule)
    assert call_reason(CallRule.OVER_CAP) == (
        "等候超过上限，最久优先",
        "Waited past its cap: longest first",
    )


def test_only_fcfs_alis_asks_for_the_longest_idle_window() -> None:
    assert [n for n, p in POLICIES.items() if getattr(p, "assigns_longest_idle", False)] == [
        "fcfs_alis"
    ]


def test_components_of_the_window_service_graph_and_their_pooled_hall() -> None:
    from sim.runner import component_pooled_layout, components

    lay = layout()
    services = {**lay.services, "C": ServiceSpec("C", "C", "户籍", "Household", "hz")}
    windows = {**lay.windows, "w3": WindowSpec("w3", "3号", "3", "hz", {"C": Tier.PRIMARY})}
    lay = Layout("t", services, windows, lay.priority_classes)
    assert components(lay) == [({"w1", "w2"}, {"A", "B"}), ({"w3"}, {"C"})]
    pooled = component_pooled_layout(lay)
    assert pooled.windows["w1"].services == {"A": Tier.PRIMARY, "B": Tier.PRIMARY}
    assert pooled.windows["w3"].services == {"C": Tier.PRIMARY}  # never outside its component
