"""broker/bridge.py: the bridge section hallq mqtt-config writes for [region]."""

import pytest
from halls import write_test_hall

from broker.mosquitto import write_mosquitto_config
from hallq.config import ConfigError, load_config


def hall_with_region(tmp_path, password=True):
    path = write_test_hall(tmp_path)
    if password:
        (tmp_path / "bridge-password").write_text("s3cret\n")
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[region]\nid = "county"\nhost = "10.1.2.3"\nport = 8883\nhall_no = 2\n'
        + 'password_file = "bridge-password"\n',
        encoding="utf-8",
    )
    return load_config(path)


def test_the_bridge_sends_state_events_presence_and_takes_only_its_region_topics(tmp_path):
    cfg = hall_with_region(tmp_path)
    conf = write_mosquitto_config(cfg, tmp_path / "m").conf.read_text()
    bridge = conf[conf.index("connection region-county") :].splitlines()
    assert "address 10.1.2.3:8883" in bridge and "remote_username testhall" in bridge
    assert "remote_password s3cret" in bridge and "cleansession false" in bridge
    topics = [line for line in bridge if line.startswith("topic ")]
    assert topics == [
        "topic hallq/testhall/state/# out 1",
        "topic hallq/testhall/event/# out 1",
        "topic hallq/testhall/presence/# out 1",
        "topic hallq/testhall/ask/# out 1",  # a counter's booking (broker/region_relay.py)
        "topic hallq/testhall/region/# in 1",
        "topic uptime out 0 $SYS/broker/ hallq/testhall/bridge/",
    ]
    assert "sys_interval 2" in conf[: conf.index("connection region-county")]  # global
    assert "notification_topic hallq/testhall/bridge/region" in bridge
    assert not any(line.startswith("listener") for line in bridge)  # the bridge comes last


def test_a_hall_without_a_region_has_no_bridge(hall_cfg, tmp_path):
    """The fence post: no [region], no connection section."""
    conf = write_mosquitto_config(hall_cfg, tmp_path / "m").conf.read_text()
    assert "\nconnection " not in conf and "remote_username" not in conf


def test_a_missing_bridge_password_is_a_clear_config_error(tmp_path):
    cfg = hall_with_region(tmp_path, password=False)
    with pytest.raises(ConfigError) as err:
        write_mosquitto_config(cfg, tmp_path / "m")
    assert "region.password_file" in str(err.value)
    assert not (tmp_path / "m" / "mosquitto.conf").exists()
