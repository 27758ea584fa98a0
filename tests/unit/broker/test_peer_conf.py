"""broker/peer.py: two Mosquittos of one hall (mqtt.hosts), the second bridged to the first."""

import pytest
from halls import write_test_hall

from broker.mosquitto import write_mosquitto_config
from broker.peer import PEER_USER, host_index
from hallq.config import ConfigError, load_config


def two_hosts(tmp_path, region: bool = False):
    path = write_test_hall(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "[mqtt]\n", '[mqtt]\nhosts = ["10.0.0.2:1883", "10.0.0.3:1884"]\n', 1
    )
    if region:
        (tmp_path / "bridge-password").write_text("s3cret\n")
        text += '\n[region]\nid = "county"\nhost = "10.1.2.3"\nhall_no = 2\n'
        text += 'password_file = "bridge-password"\n'
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_second_mosquitto_bridges_the_whole_hall_both_ways_to_the_first(tmp_path):
    cfg = two_hosts(tmp_path)
    first = write_mosquitto_config(cfg, tmp_path / "m")
    assert "\nconnection " not in first.conf.read_text()  # one bridge, not one per side
    password = (first.credentials / PEER_USER).read_text().strip()
    second = write_mosquitto_config(cfg, tmp_path / "m", on=1).conf.read_text()
    assert "listener 1884 127.0.0.1" in second
    bridge = second[second.index("connection hallq-peer-testhall") :].splitlines()
    assert "address 10.0.0.2:1883" in bridge
    assert f"remote_username {PEER_USER}" in bridge and f"remote_password {password}" in bridge
    assert "try_private true" in bridge and "cleansession true" in bridge
    assert [line for line in bridge if line.startswith("topic ")] == [
        "topic hallq/testhall/# both 1"
    ]
    assert "notification_topic hallq-peer/testhall" in bridge


def test_the_bridge_may_use_the_hall_at_the_first_and_everyone_reads_its_link_state(tmp_path):
    cfg = two_hosts(tmp_path)
    files = write_mosquitto_config(cfg, tmp_path / "m")
    acl = files.acl.read_text()
    assert (
        f"user {PEER_USER}\ntopic readwrite hallq/testhall/#\ntopic write hallq-peer/testhall"
        in acl
    )
    assert "pattern read hallq-peer/testhall" in acl
    users = [line.split(":")[0] for line in files.passwords.read_text().splitlines()]
    assert users[-1] == PEER_USER
    one = tmp_path / "one"
    one.mkdir()
    alone = write_mosquitto_config(load_config(write_test_hall(one)), one / "m")
    assert (
        PEER_USER not in alone.passwords.read_text() and "hallq-peer" not in alone.acl.read_text()
    )


def test_the_region_bridge_stays_on_the_first_host(tmp_path):
    cfg = two_hosts(tmp_path, region=True)
    assert (
        "connection region-county" in write_mosquitto_config(cfg, tmp_path / "m").conf.read_text()
    )
    second = write_mosquitto_config(cfg, tmp_path / "m", on=1).conf.read_text()
    assert "region-county" not in second and "connection hallq-peer-testhall" in second


def test_mqtt_config_names_its_host_as_written_or_by_address(tmp_path):
    cfg = two_hosts(tmp_path)
    assert host_index(cfg, None) == 0
    assert host_index(cfg, "10.0.0.3:1884") == host_index(cfg, "10.0.0.3") == 1
    with pytest.raises(ConfigError, match="not one of the hall's Mosquittos"):
        host_index(cfg, "10.0.0.9")
