"""Staffing advice on the board: validation, whitelisting, sentences, one-click commands."""

import asyncio

import msgspec
import pytest

from board.advice import Names, advice_view
from board.hub import Hub
from board.state import BoardState
from hallq.contract import Advice, decode
from hallq.fakes import FakeLink
from hallq.protocol import encode

NAMES = Names(
    departments={"sw": ("税务局", "Tax Bureau")},
    services={
        "sw01": ("税务登记", "Tax registration"),
        "sw02": ("发票领用", "Invoices"),
        "sw03": ("纳税申报", "Tax returns"),
        "sw04": ("税务注销", "Deregistration"),
    },
    windows={"w38": ("38号窗口", "Window 38"), "w12": ("12号窗口", "Window 12")},
)


def need(**over):
    return {
        "department": "sw",
        "services": ["sw01", "sw02"],
        "arrivals_per_h": 42.0,
        "mean_service_min": 9.5,
        "target_wait_min": 15.0,
        "windows_serving": 4.0,
        "windows_needed": 8,
        "predicted_wait_min": None,
        **over,
    }


def move(action, window, services=("sw01", "sw02")):
    return {
        "action": action,
        "window": window,
        "window_name": NAMES.windows[window][0],
        "services": list(services),
        "reason": "42/h x 9.5 min needs 8 windows, 4.0 serve it",
    }


def advice(**over):
    return {"at": 1795820600.0, "needs": [need()], "moves": [move("open", "w38")], **over}


def as_decoded(payload):
    """The advice as the state client hands it to the board."""
    return decode(encode(payload), Advice)


def test_the_state_keeps_the_contract_fields_and_drops_anything_else():
    payload = advice(citizen="张三")
    payload["needs"][0]["phone"] = "13800000000"
    s = BoardState()
    change = s.apply("advice", "advice", as_decoded(payload), 1.0)
    got = change["data"]
    assert change["kind"] == "advice" and "citizen" not in got and "phone" not in got["needs"][0]
    assert got["needs"][0] == need()
    assert got["moves"][0]["window_name"] == "38号窗口"
    assert s.apply("advice", "advice", as_decoded(advice()), 2.0) is None  # nothing to push
    assert s.snapshot()["advice"] == got
    assert s.apply("advice", "advice", None, 4.0) == {"kind": "advice", "key": "", "data": None}


def test_more_windows_than_the_model_counts_is_null_on_the_wire_and_decodes():
    got = as_decoded(advice(needs=[need(windows_needed=None)]))
    assert got.needs[0].windows_needed is None


@pytest.mark.parametrize(
    "bad",
    [
        [1, 2],
        {"needs": [], "moves": []},  # no time
        advice(needs=[need(windows_needed="eight")]),
        advice(moves=[{**move("open", "w38"), "action": "close_everything"}]),
    ],
)
def test_a_malformed_advice_does_not_decode(bad):
    with pytest.raises(msgspec.ValidationError):
        as_decoded(bad)


def test_pools_carry_names_and_say_which_are_short_staffed():
    ok = need(department="sw", windows_needed=3, windows_serving=4.0, predicted_wait_min=2.5)
    view = advice_view(advice(needs=[need(), ok, need(windows_needed=None)]), {}, NAMES)
    short, fine, hopeless = view["pools"]
    assert short["name"] == "税务局" and short["name_en"] == "Tax Bureau"
    assert short["services_zh"] == "税务登记、发票领用"
    assert short["services_en"] == "Tax registration, Invoices"
    assert (short["short"], fine["short"], hopeless["short"]) == (True, False, True)


def test_an_open_move_reads_as_a_sentence_and_opens_the_closed_window():
    windows = {"w38": {"window": "w38", "status": "closed", "services": {"sw01": "primary"}}}
    (m,) = advice_view(advice(), windows, NAMES)["moves"]
    assert m["zh"] == "开放 38号窗口 办理 税务登记、发票领用"
    assert m["en"] == "Open Window 38 for Tax registration, Invoices"
    assert m["command"] == {"op": "open", "window": "w38"} and not m["done"]
    assert m["why_zh"] == "每小时 42 人 × 平均 9.5 分钟，需 8 个窗口，现有 4 个"
    assert m["why_en"] == "42/h × 9.5 min needs 8 windows, 4 serve it"
    windows["w38"]["status"] = "open"  # someone opened it meanwhile
    (m,) = advice_view(advice(), windows, NAMES)["moves"]
    assert m["command"] is None and m["done"]


def test_a_help_move_adds_the_pool_as_secondary_and_keeps_the_windows_own_services():
    windows = {"w12": {"status": "open", "services": {"gs01": "primary", "sw02": "secondary"}}}
    (m,) = advice_view(advice(moves=[move("help", "w12")]), windows, NAMES)["moves"]
    assert m["zh"] == "让 12号窗口 协办 税务登记、发票领用（设为次要业务）"
    assert m["en"] == "Let Window 12 help with Tax registration, Invoices (as secondary services)"
    assert m["command"] == {
        "op": "set_services",
        "window": "w12",
        "services": {"gs01": "primary", "sw02": "secondary", "sw01": "secondary"},
    }


def test_no_command_for_a_window_the_board_has_not_seen_and_long_lists_are_counted():
    many = ("sw01", "sw02", "sw03", "sw04", "xx99")
    (m,) = advice_view(advice(moves=[move("help", "w12", many)]), {}, NAMES)["moves"]
    assert m["command"] is None and not m["done"]  # unknown services: nothing to keep
    assert m["why_en"] == m["why_zh"] == move("help", "w12")["reason"]  # no pool: the broker's
    assert m["zh"] == "让 12号窗口 协办 税务登记、发票领用、纳税申报 等 5 项（设为次要业务）"
    assert m["en"].endswith("Tax returns and 2 more (as secondary services)")
    assert advice_view(None, {}, NAMES) is None


def test_the_hub_pushes_advice_and_ignores_a_malformed_payload(caplog):
    async def scenario():
        link = FakeLink("h1", "board")
        hub = Hub(link, {}, {}, clock=lambda: 5.0, names=NAMES)
        hub.start(asyncio.get_running_loop())
        q = hub.attach()
        link.deliver("hallq/h1/state/advice", advice())
        link.deliver("hallq/h1/state/advice", {"at": 1.0, "needs": "lots"})
        got = await asyncio.wait_for(q.get(), 1)
        while got["type"] == "link":  # connecting says so first
            got = await asyncio.wait_for(q.get(), 1)
        await asyncio.sleep(0.01)
        return hub, got, q.empty()

    hub, got, nothing_more = asyncio.run(scenario())
    assert got["kind"] == "advice" and got["data"]["moves"][0]["window"] == "w38"
    assert nothing_more
    assert "unreadable Advice on hallq/h1/state/advice ignored" in caplog.text
    snap = hub.snapshot()
    assert snap["staffing"]["moves"][0]["zh"].startswith("开放 38号窗口")
    assert hub.alerts()["staffing"] == snap["staffing"]


def test_a_long_list_of_moves_is_cut_and_the_rest_counted():
    many = [move("open", "w38")] * 15
    view = advice_view(advice(moves=many), {}, NAMES)
    assert len(view["moves"]) == 12 and view["more_moves"] == 3
