from board.state import BoardState, parse_topic

ROOT = "hallq/h1"


def test_topics_are_parsed_and_others_ignored():
    assert parse_topic(ROOT, "hallq/h1/state/window/w5") == ("window", "w5")
    assert parse_topic(ROOT, "hallq/h1/state/service/SB") == ("service", "SB")
    assert parse_topic(ROOT, "hallq/h1/state/hall") == ("hall", "")
    assert parse_topic(ROOT, "hallq/h1/presence/kiosk1") == ("presence", "kiosk1")
    assert parse_topic(ROOT, "hallq/h1/event/called") == ("called", "")
    assert parse_topic(ROOT, "hallq/h1/cmd/kiosk1") is None
    assert parse_topic(ROOT, "hallq/h2/state/hall") is None


def test_a_change_is_reported_once_and_unknown_fields_never_pass():
    s = BoardState()
    msg = {"window": "w1", "status": "open", "ticket": "A001", "citizen_name": "张三"}
    change = s.apply("window", "w1", msg, 1.0)
    assert change == {
        "kind": "windows",
        "key": "w1",
        "data": {"window": "w1", "status": "open", "ticket": "A001"},
    }
    assert s.apply("window", "w1", msg, 2.0) is None
    assert "citizen_name" not in str(s.snapshot())


def test_an_emptied_retained_topic_removes_the_entry():
    s = BoardState()
    s.apply("service", "SB", {"service": "SB", "waiting": 1}, 1.0)
    assert s.apply("service", "SB", None, 2.0) == {"kind": "services", "key": "SB", "data": None}
    assert s.snapshot()["services"] == {}


def test_presence_remembers_since_when_online_or_offline():
    s = BoardState(roles={"kiosk1": "kiosk"})
    s.apply("presence", "kiosk1", {"online": True, "since": 100.0, "printer": "online_ok"}, 150.0)
    assert s.devices["kiosk1"]["changed_at"] == 100.0 and s.devices["kiosk1"]["role"] == "kiosk"
    s.apply("presence", "kiosk1", {"online": True, "since": 100.0, "printer": "paper_low"}, 160.0)
    assert s.devices["kiosk1"]["changed_at"] == 100.0
    s.apply("presence", "kiosk1", {"online": False}, 200.0)
    assert s.devices["kiosk1"] == {"online": False, "role": "kiosk", "changed_at": 200.0}
    s.apply("presence", "kiosk1", {"online": False}, 260.0)
    assert s.devices["kiosk1"]["changed_at"] == 200.0


def test_calls_keep_the_latest_first_and_are_bounded():
    s = BoardState(recent=3)
    for i in range(5):
        s.apply("called", "", {"ticket": f"A00{i}", "window": "w1", "phone": "138"}, float(i))
    calls = s.snapshot()["calls"]
    assert [c["ticket"] for c in calls] == ["A004", "A003", "A002"]
    assert "phone" not in calls[0]
