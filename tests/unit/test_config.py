"""hall.toml decoding: typed objects, and every problem reported with its key path."""

import os
import stat
from pathlib import Path

import msgspec
import pytest

from app.cli import main as cli
from broker.mosquitto import acl_text, hash_password, write_mosquitto_config
from hallq.config import (
    BrokerDevice,
    ConfigError,
    DisplayDevice,
    EvaluatorDevice,
    KioskDevice,
    decode_config,
    load_config,
    require_role,
)
from hallq.core.model import Tier

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hall.toml"
MINIMAL = {
    "hall": {"id": "h", "name": "大厅"},
    "departments": [{"id": "rs", "name": "人社"}],
    "services": [{"code": "A", "name": "社保", "department": "rs"}],
    "windows": [{"id": "w1", "name": "1号窗口", "department": "rs", "primary": ["A"]}],
    "devices": [{"id": "hallq", "role": "broker"}, {"id": "k1", "role": "kiosk"}],
}


def problems(raw) -> list[str]:
    with pytest.raises(ConfigError) as err:
        decode_config(raw, "test.toml")
    return err.value.problems


def test_the_example_hall_is_like_the_seed_city():
    cfg = load_config(EXAMPLE)
    assert len(cfg.departments) >= 35
    assert 140 <= len(cfg.services) <= 160
    assert len(cfg.windows) == 76
    general = [w for w in cfg.windows if "综合" in w.name]
    assert general and all(len(w.primary) + len(w.secondary) > 20 for w in general)
    layout = cfg.layout()
    assert layout.windows["w01"].services["rs01"] is Tier.PRIMARY
    assert {d.role for d in cfg.devices} >= {"broker", "kiosk", "counter", "display", "board"}


def test_minimal_config_decodes_with_defaults():
    cfg = decode_config(MINIMAL)
    assert cfg.hall.timezone == "Asia/Shanghai"
    assert cfg.services[0].ticket_prefix == "A"
    assert cfg.device("k1").role == "kiosk"
    assert cfg.device("k1").printer.type == "dummy"


def test_unknown_keys_and_wrong_types_name_the_key_path():
    raw = {**MINIMAL, "services": [{**MINIMAL["services"][0], "target_wait": 5}]}
    assert problems(raw) == ["services[0]: Object contains unknown field `target_wait`"]
    raw = {**MINIMAL, "services": [{**MINIMAL["services"][0], "target_wait_min": "long"}]}
    assert problems(raw) == ["services[0].target_wait_min: Expected `float`, got `str`"]
    raw = {**MINIMAL, "devices": [{"id": "x", "role": "toaster"}]}
    assert "devices[0].role" in problems(raw)[0]


def test_duplicates_and_dangling_references_are_all_reported():
    raw = {
        **MINIMAL,
        "services": [*MINIMAL["services"], {"code": "A", "name": "x", "department": "nope"}],
        "windows": [{"id": "w1", "name": "1", "department": "rs", "primary": ["A", "Z"]}],
        "devices": [
            {"id": "hallq", "role": "broker"},
            {"id": "c1", "role": "counter", "window": "w9"},
        ],
    }
    found = problems(raw)
    assert "services[0].code: duplicate 'A'" in found
    assert "services[1].department: unknown department 'nope'" in found
    assert "windows[0].primary[1]: unknown service 'Z'" in found
    assert "devices[1].window: unknown window 'w9'" in found


def test_semantic_checks():
    raw = {
        **MINIMAL,
        "hall": {
            "id": "h",
            "name": "x",
            "timezone": "Mars/Base",
            "opens": "18:00",
            "closes": "08:00",
        },
        "devices": [{"id": "k1", "role": "kiosk"}],
    }
    found = problems(raw)
    assert "hall.timezone: unknown timezone 'Mars/Base'" in found
    assert "hall.closes: must be after hall.opens" in found
    assert any("no device with role 'broker'" in p for p in found)


def test_check_config_cli_reports_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[hall]\nid = "h"\nname = "x"\ncolour = "red"\n', encoding="utf-8")
    assert cli(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "hall: Object contains unknown field `colour`" in err
    (tmp_path / "broken.toml").write_text("[hall\n")
    assert cli(["check-config", str(tmp_path / "broken.toml")]) == 2
    assert "not valid TOML" in capsys.readouterr().err
    assert cli(["check-config", str(EXAMPLE)]) == 0
    assert "76 windows" in capsys.readouterr().out


def test_credentials_never_come_from_the_toml(tmp_path, monkeypatch):
    raw = {**MINIMAL, "mqtt": {"credentials_dir": str(tmp_path)}}
    cfg = decode_config(raw)
    assert cfg.password("k1") is None
    (tmp_path / "k1").write_text("s3cret\n")
    assert cfg.password("k1") == "s3cret"
    monkeypatch.setenv("HALLQ_MQTT_PASSWORD", "from-env")
    assert cfg.password("k1") == "from-env"
    assert "password" in problems({**MINIMAL, "mqtt": {"password": "x"}})[0]


def test_mqtt_config_files(tmp_path):
    cfg = decode_config({**MINIMAL, "mqtt": {"port": 1884}})
    files = write_mosquitto_config(cfg, tmp_path / "m")
    creds = sorted(p.name for p in files.credentials.iterdir())
    assert creds == ["hallq", "k1"]
    mode = stat.S_IMODE(os.stat(files.credentials / "k1").st_mode)
    assert mode == 0o600
    pw_lines = files.passwords.read_text().splitlines()
    assert [line.split(":")[0] for line in pw_lines] == ["hallq", "k1"]
    assert all(":$7$101$" in line for line in pw_lines)
    conf = files.conf.read_text()
    assert "allow_anonymous false" in conf and "max_queued_messages 100000" in conf
    assert "listener 1884 127.0.0.1" in conf and "set_tcp_nodelay true" in conf
    # passwords are kept on a re-run (devices keep working), rotated on request
    before = (files.credentials / "k1").read_text()
    write_mosquitto_config(cfg, tmp_path / "m")
    assert (files.credentials / "k1").read_text() == before
    write_mosquitto_config(cfg, tmp_path / "m", rotate=True)
    assert (files.credentials / "k1").read_text() != before


def test_acl_lets_devices_write_only_their_own_cmd_and_presence():
    acl = acl_text(decode_config(MINIMAL))
    assert "pattern write hallq/h/cmd/%u" in acl
    assert "pattern write hallq/h/presence/%u" in acl
    assert "pattern read hallq/h/reply/%u" in acl
    assert "user hallq\ntopic readwrite hallq/h/#" in acl
    assert "pattern write hallq/h/state" not in acl


def test_password_hash_is_mosquittos_pbkdf2_format():
    h = hash_password("pw", salt=b"0123456789ab")
    assert h.startswith("$7$101$MDEyMzQ1Njc4OWFi$") and len(h.split("$")[-1]) == 88


def test_require_role_is_the_one_role_check(tmp_path):
    cfg = decode_config(MINIMAL, "test.toml")
    assert require_role(cfg, "k1", KioskDevice).id == "k1"
    assert require_role(cfg, None, BrokerDevice).id == "hallq"  # None: the config's one
    with pytest.raises(ConfigError) as err:
        require_role(cfg, "k1", EvaluatorDevice)
    assert err.value.problems == ["devices: 'k1' is a kiosk, not an evaluator"]
    with pytest.raises(ConfigError, match="no device with role 'display'"):
        require_role(cfg, None, DisplayDevice)


@pytest.mark.parametrize("command", ["kiosk", "counter", "evaluator", "display", "board"])
def test_every_entry_point_refuses_a_device_of_another_role_the_same_way(command, capsys):
    """One check for all: exit 2 and the same sentence, before anything starts."""
    other = "hallq" if command != "board" else "kiosk1"
    role = load_config(EXAMPLE).device(other).role
    assert cli([command, "--config", str(EXAMPLE), "--id", other]) == 2
    article = "an" if command == "evaluator" else "a"
    assert f"devices: {other!r} is a {role}, not {article} {command}" in capsys.readouterr().err


def test_the_board_tls_files_go_together_and_followup_days_are_bounded():
    half = {"id": "board", "role": "board", "tls_cert_file": "board.crt"}
    raw = {**MINIMAL, "devices": [*MINIMAL["devices"], half]}
    assert problems(raw) == ["devices[2]: tls_cert_file and tls_key_file go together"]
    both = {**half, "tls_key_file": "board.key", "followup_days": 5}
    assert decode_config({**MINIMAL, "devices": [*MINIMAL["devices"], both]}).devices[2]
    zero = {"id": "board", "role": "board", "followup_days": 0}
    assert "followup_days" in problems({**MINIMAL, "devices": [*MINIMAL["devices"], zero]})[0]


CALENDAR = {
    "hours": {"sat": "09:00-12:00"},
    "holidays": ["2026-10-01/2026-10-07", "2026-01-01"],
    "makeup_days": ["2026-10-10"],
    "lunch": "12:00-13:30",
    "lunch_issuing": "pause",
    "services": {"A": {"until": "16:30"}},
}


def test_the_calendar_becomes_the_engines_calendar():
    hall = {**MINIMAL["hall"], "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"]}
    cal = decode_config({**MINIMAL, "hall": hall, "calendar": CALENDAR}).layout().calendar
    assert cal.day_hours == {5: (540, 720)}
    assert len(cal.holidays) == 8 and {"2026-10-04", "2026-01-01"} <= cal.holidays
    assert cal.makeup_days == {"2026-10-10"}
    assert (cal.lunch, cal.lunch_issuing) == ((720, 810), False)
    assert cal.service_hours == {"A": (0, 990)}


def test_calendar_problems_name_their_key_path():
    bad = {
        "hours": {"sun": "12:00-09:00"},
        "holidays": ["2026-02-30", "2026-10-07/2026-10-01", "2026-05-01"],
        "makeup_days": ["2026-05-01"],
        "lunch": "13:30-12:00",
        "services": {"nope": {"until": "16:30"}, "A": {"opens": "17:00", "until": "16:30"}},
    }
    found = problems({**MINIMAL, "calendar": bad})
    assert found == [
        "calendar.hours.sun: '12:00-09:00' must end after it starts",
        "calendar.hours.sun: sun is not in hall.weekdays",
        "calendar.lunch: '13:30-12:00' must end after it starts",
        "calendar.holidays[0]: '2026-02-30' is not a real date",
        "calendar.holidays[1]: '2026-10-07/2026-10-01' ends before it starts",
        "calendar.makeup_days: 2026-05-01 is also a holiday",
        "calendar.services.nope: unknown service 'nope'",
        "calendar.services.A.until: must be after opens",
    ]
    assert problems({**MINIMAL, "calendar": {"holidays": ["1 Oct"]}}) == [
        "calendar.holidays[0]: Expected `str` matching regex "
        "'^\\\\d{4}-\\\\d{2}-\\\\d{2}(/\\\\d{4}-\\\\d{2}-\\\\d{2})?$'"
    ]


def test_the_example_hall_ships_the_2026_state_council_calendar():
    cal = load_config(EXAMPLE).layout().calendar
    assert {"2026-02-15", "2026-02-23", "2026-10-07"} <= cal.holidays  # 春节, 国庆
    assert cal.makeup_days == {
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    }
    assert cal.service_hours["bdc01"] == (0, 16 * 60 + 30)  # 不动产 until 16:30


def test_matters_decode_into_stages_with_groups():
    cfg = load_config(EXAMPLE)
    layout = cfg.layout()
    assert len(layout.matters) >= 6
    departments = {
        layout.services[code].department for m in layout.matters.values() for code in m.services
    }
    assert len(departments) >= 4
    company = layout.matters["company"]
    assert company.stages[1] == ("sw02", "gjj03")  # a group, done in any order
    assert layout.matters["veteran"].mode == "one_window"


def test_matter_problems_name_their_key_path():
    services = [
        {"code": "A", "name": "社保", "department": "rs"},
        {"code": "B", "name": "医保", "department": "rs"},
    ]
    windows = [
        {"id": "w1", "name": "1号窗口", "department": "rs", "primary": ["A"]},
        {"id": "w2", "name": "2号窗口", "department": "rs", "primary": ["B"]},
    ]
    matters = [
        {"id": "m", "name": "一件事", "stages": ["A", ["B", "X"]]},
        {"id": "m", "name": "重复", "stages": [["A", "A"]]},
        {"id": "o", "name": "一窗", "stages": ["A", "B"], "mode": "one_window"},
    ]
    raw = {**MINIMAL, "services": services, "windows": windows, "matters": matters}
    assert problems(raw) == [
        "matters[0].id: duplicate 'm'",
        "matters[1].id: duplicate 'm'",
        "matters[0].stages[1][1]: unknown service 'X'",
        "matters[1].stages[0][1]: service 'A' twice in one stage",
        "matters[2].mode: one_window, but no window serves all of ['A', 'B']",
    ]
    bad = {**raw, "matters": [{"id": "e", "name": "空", "stages": []}]}
    assert problems(bad) == ["matters[0].stages: Expected `array` of length >= 1"]
    typo = {**raw, "matters": [{"id": "e", "name": "x", "stages": ["A"], "mode": "steps "}]}
    assert problems(typo)[0].startswith("matters[0].mode:")


def test_rooms_and_the_confirm_time_become_the_engines():
    raw = {
        **MINIMAL,
        "policy": {"joint_confirm_min": 3},
        "rooms": [{"id": "r1", "name": "第一联审室", "name_en": "Room 1", "zone": "F2"}],
    }
    layout = decode_config(raw).layout()
    assert layout.rooms["r1"].name == "第一联审室" and layout.rooms["r1"].zone == "F2"
    assert layout.joint_confirm_s == 180 and layout.departments["rs"] == ("人社", "人社")


def test_room_problems_name_their_key_path():
    rooms = [
        {"id": "r1", "name": "一"},
        {"id": "r1", "name": "二"},
        {"id": "w1", "name": "三"},
    ]
    assert problems({**MINIMAL, "rooms": rooms}) == [
        "rooms[0].id: duplicate 'r1'",
        "rooms[1].id: duplicate 'r1'",
        "rooms[2].id: 'w1' is also a window id (calls name one place)",
    ]
    assert problems({**MINIMAL, "rooms": [{"id": "r", "name": "x", "size": 3}]}) == [
        "rooms[0]: Object contains unknown field `size`"
    ]
    assert problems({**MINIMAL, "policy": {"joint_confirm_min": 0}}) == [
        "policy.joint_confirm_min: Expected `float` > 0.0"
    ]


def test_the_example_hall_has_joint_review_rooms():
    cfg = load_config(EXAMPLE)
    assert len(cfg.rooms) >= 2 and {r.zone for r in cfg.rooms} <= {"F1", "F2", "F3"}


def test_mqtt_hosts_are_an_ordered_list_of_mosquittos_defaulting_to_host():
    assert decode_config(MINIMAL).mqtt.endpoints() == [("127.0.0.1", 1883)]
    two = decode_config({**MINIMAL, "mqtt": {"port": 1884, "hosts": ["10.0.0.2", "b:1885"]}})
    assert two.mqtt.endpoints() == [("10.0.0.2", 1884), ("b", 1885)]
    v6 = decode_config({**MINIMAL, "mqtt": {"hosts": ["[fd00::2]:1884"]}})
    assert v6.mqtt.endpoints() == [("fd00::2", 1884)]
    assert problems({**MINIMAL, "mqtt": {"hosts": []}}) == [
        "mqtt: hosts: 0 entries; give 1 or 2 (the Mosquittos on the hall's server Pis, "
        "bridged to each other)"
    ]
    assert (
        "names one Mosquitto twice" in problems({**MINIMAL, "mqtt": {"hosts": ["a", "a:1883"]}})[0]
    )
    assert (
        "'a:x' is not a host or host:port" in problems({**MINIMAL, "mqtt": {"hosts": ["a:x"]}})[0]
    )
    assert "3 entries" in problems({**MINIMAL, "mqtt": {"hosts": ["a", "b", "c"]}})[0]


def test_a_joint_stage_names_departments_and_a_room_and_is_checked():
    services = [
        {"code": "A", "name": "受理", "department": "rs"},
        {"code": "J", "name": "施工许可联审", "department": "rs"},
    ]
    windows = [{"id": "w1", "name": "1号窗口", "department": "rs", "primary": ["A", "J"]}]
    joint = {"service": "J", "joint": ["rs"], "room": "r1"}
    raw = {
        **MINIMAL,
        "departments": [{"id": "rs", "name": "人社"}],
        "services": services,
        "windows": windows,
        "rooms": [{"id": "r1", "name": "第一联审室"}],
        "matters": [{"id": "p", "name": "施工许可", "stages": ["A", joint]}],
    }
    permit = decode_config(raw).layout().matters["p"]
    assert permit.stages == (("A",), ("J",)) and permit.joint == {1: ("r1", ("rs",))}
    bad = {"service": "J", "joint": ["rs", "zz", "rs"], "room": "r9"}
    raw["matters"] = [{"id": "p", "name": "x", "stages": [bad, "A"]}]
    assert problems(raw) == [
        "matters[0].stages[0]: a joint stage cannot be the first (the case starts at a window)",
        "matters[0].stages[0].room: unknown room 'r9' (see [[rooms]])",
        "matters[0].stages[0].joint[1]: unknown department 'zz'",
        "matters[0].stages[0].joint[2]: department 'rs' twice",
    ]


def test_the_routing_rule_is_chosen_in_the_config_and_every_choice_exists():
    from app.bootstrap import build_broker
    from hallq.config import Policy
    from hallq.core.policies import POLICIES

    routing = next(f for f in msgspec.inspect.type_info(Policy).fields if f.name == "routing")
    assert set(routing.type.values) == set(POLICIES)  # a new policy must be selectable
    cfg = decode_config({**MINIMAL, "policy": {"routing": "capped_cmu"}})
    assert build_broker(cfg, with_link=False).engine.policy.name == "capped_cmu"
    with pytest.raises(ConfigError, match=r"policy\.routing"):
        decode_config({**MINIMAL, "policy": {"routing": "random"}})
