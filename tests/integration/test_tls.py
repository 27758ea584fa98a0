"""MQTT over TLS through a real Mosquitto: the hall's certificates are made by
deploy/make-tls.sh (openssl), Mosquitto is configured by ``hallq mqtt-config``'s code, and the
service and the devices connect with ``MqttLink.from_config`` as they do in a hall."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from halls import write_test_hall
from msgspec.structs import replace

from app.bootstrap import build_broker
from app.localmqtt import LocalMosquitto
from broker.mosquitto import conf_text, write_mosquitto_config
from broker.service import BrokerService
from hallq.client import CommandClient
from hallq.config import ConfigError, HallConfig, load_config
from hallq.mqtt import MqttLink

MAKE_TLS = Path(__file__).resolve().parents[2] / "deploy" / "make-tls.sh"
# An MQTT 3.1.1 CONNECT for client id "x": what a client without TLS sends first.
PLAIN_CONNECT = bytes([0x10, 13, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 15, 0, 1]) + b"x"


def make_tls(out: Path, *args: str) -> None:
    if shutil.which("openssl") is None:
        pytest.fail("openssl not found: apt-get install openssl (scripts/setup.sh test)")
    subprocess.run(["bash", str(MAKE_TLS), str(out), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hall's CA, a server certificate for 127.0.0.1/localhost, one client certificate;
    and in certs/other a second CA that signed nothing of ours."""
    d = tmp_path_factory.mktemp("tls")
    make_tls(d, "server", "127.0.0.1", "localhost")
    make_tls(d, "client", "hallq-test")
    make_tls(d / "other", "server", "127.0.0.1")
    return d


def tls_config(tmp_path: Path, certs: Path, **extra: object) -> HallConfig:
    """tests/data/hall.toml with ``[mqtt] tls = {...}``: the CA, the server's files, extras
    (None leaves a key out)."""
    fields = {
        "ca_file": str(certs / "ca.crt"),
        "server_cert_file": str(certs / "server.crt"),
        "server_key_file": str(certs / "server.key"),
        **extra,
    }
    inline = ", ".join(f"{k} = {_toml(v)}" for k, v in fields.items() if v is not None)
    path = write_test_hall(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[mqtt]\n", f"[mqtt]\ntls = {{ {inline} }}\n", 1))
    return load_config(path)


def _toml(v: object) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else f'"{v}"'


@contextmanager
def tls_hall(cfg: HallConfig, tmp_path: Path) -> Iterator[tuple[LocalMosquitto, BrokerService]]:
    mosq = LocalMosquitto(cfg, tmp_path / "mqtt").start()
    service = build_broker(cfg)
    try:
        service.start()
        assert service.link is not None
        assert service.link.wait_for_connection(10), mosq.log_tail()
        yield mosq, service
    finally:
        service.stop()
        mosq.stop()


@contextmanager
def connected(cfg: HallConfig, device_id: str) -> Iterator[CommandClient]:
    link = MqttLink.from_config(cfg, device_id)
    client = CommandClient(link)
    link.start()
    try:
        assert link.wait_for_connection(10), f"{device_id} did not connect over TLS"
        yield client
    finally:
        link.stop()


def never_connects(link: MqttLink) -> bool:
    link.start()
    try:
        return not link.wait_for_connection(1.5)
    finally:
        link.stop()


def test_mosquitto_conf_puts_the_server_files_after_the_tls_listener(tmp_path, certs):
    cfg = tls_config(tmp_path, certs)
    files = write_mosquitto_config(cfg, tmp_path / "m")
    lines = files.conf.read_text().splitlines()
    at = lines.index(f"listener {cfg.mqtt.port} 127.0.0.1")
    assert lines[at + 1 :] == [
        f"cafile {certs / 'ca.crt'}",
        f"certfile {certs / 'server.crt'}",
        f"keyfile {certs / 'server.key'}",
    ]


def test_relative_tls_paths_are_written_absolute(tmp_path, certs, monkeypatch):
    (tmp_path / "tls").symlink_to(certs)
    tls_config(tmp_path, certs, ca_file="tls/ca.crt", server_cert_file="tls/server.crt")
    monkeypatch.chdir(tmp_path)
    cfg = load_config("hall.toml")  # as in `hallq mqtt-config --config hall.toml`
    conf = write_mosquitto_config(cfg, "m").conf.read_text()
    assert f"cafile {certs / 'ca.crt'}\ncertfile {certs / 'server.crt'}\n" in conf


def test_a_websockets_listener_stays_plain_and_follows_the_tls_options(tmp_path, certs):
    cfg = tls_config(tmp_path, certs, require_client_cert=True)
    with_ws = replace(cfg, mqtt=replace(cfg.mqtt, websockets_port=9001))
    files = write_mosquitto_config(with_ws, tmp_path / "m")
    text = conf_text(with_ws, files, bind="0.0.0.0", run_as=None)
    assert text.endswith(
        f"keyfile {certs / 'server.key'}\nrequire_certificate true\n"
        "listener 9001 0.0.0.0\nprotocol websockets\n"
    )


def test_mqtt_config_refuses_tls_without_the_servers_own_files(tmp_path, certs):
    cfg = tls_config(
        tmp_path,
        certs,
        server_cert_file=None,
        server_key_file=None,
        cert_file=str(certs / "server.crt"),  # the old, conflated meaning
        key_file=str(certs / "server.key"),
    )
    with pytest.raises(ConfigError, match="server_cert_file and server_key_file"):
        write_mosquitto_config(cfg, tmp_path / "m")
    assert not (tmp_path / "m" / "passwd").exists()


def test_tls_config_keeps_client_and_server_files_apart(tmp_path, certs):
    with pytest.raises(ConfigError, match=r"mqtt\.tls: key_file needs cert_file"):
        tls_config(tmp_path, certs, key_file="client.key")
    with pytest.raises(ConfigError, match="server_cert_file and server_key_file go together"):
        tls_config(tmp_path, certs, server_key_file=None)
    cfg = tls_config(tmp_path, certs, cert_file="c.crt", key_file="c.key")
    link = MqttLink.from_config(cfg, "kiosk1")  # the client's own files, never the server's
    assert link.tls == (str(certs / "ca.crt"), str(tmp_path / "c.crt"), str(tmp_path / "c.key"))


def test_issue_and_call_next_round_trip_over_tls(tmp_path, certs):
    cfg = tls_config(tmp_path, certs)
    with tls_hall(cfg, tmp_path) as (_mosq, service):
        with connected(cfg, "kiosk1") as kiosk, connected(cfg, "counter1") as counter:
            counter.send("open", staff="s001")
            ticket = kiosk.send("issue", service="rs01").ticket
            called = counter.send("call_next")
        assert called.ticket == ticket == "A001" and called.window == "w1"
        assert service.engine.issued["rs01"] == 1


def test_a_client_that_does_not_trust_the_hall_ca_cannot_connect(tmp_path, certs):
    cfg = tls_config(tmp_path, certs)
    with tls_hall(cfg, tmp_path) as (mosq, _service):
        other_ca = str(certs / "other" / "ca.crt")
        ctx = ssl.create_default_context(cafile=other_ca)
        with (
            socket.create_connection(("127.0.0.1", mosq.port), timeout=5) as raw,
            pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"),
        ):
            ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        m = cfg.mqtt
        pw = cfg.password("kiosk1")
        link = MqttLink(m.host, m.port, "testhall", "kiosk1", pw, tls_ca=other_ca)
        assert never_connects(link)


def test_a_plain_tcp_client_cannot_talk_to_the_tls_port(tmp_path, certs):
    cfg = tls_config(tmp_path, certs)
    with tls_hall(cfg, tmp_path) as (mosq, _service):
        with socket.create_connection(("127.0.0.1", mosq.port), timeout=5) as raw:
            raw.sendall(PLAIN_CONNECT)
            try:
                answer = raw.recv(16)
            except ConnectionResetError:
                answer = b""
        assert answer[:1] != b"\x20", "Mosquitto sent a CONNACK to a client without TLS"
        assert answer == b""  # the connection was closed
        plain = MqttLink("127.0.0.1", mosq.port, "testhall", "kiosk1", cfg.password("kiosk1"))
        assert never_connects(plain)


def test_mutual_tls_needs_a_client_certificate_signed_by_the_hall_ca(tmp_path, certs):
    client = {"cert_file": str(certs / "client-hallq-test.crt")}
    client["key_file"] = str(certs / "client-hallq-test.key")
    cfg = tls_config(tmp_path, certs, require_client_cert=True, **client)
    with tls_hall(cfg, tmp_path) as (mosq, _service):
        with connected(cfg, "counter2") as counter, connected(cfg, "kiosk1") as kiosk:
            counter.send("open")
            assert kiosk.send("issue", service="bdc01").ticket == "B001"
        m = cfg.mqtt
        pw = cfg.password("kiosk1")
        no_cert = MqttLink(m.host, m.port, "testhall", "kiosk1", pw, tls_ca=str(certs / "ca.crt"))
        assert never_connects(no_cert)
        other = certs / "other"
        foreign = MqttLink(
            m.host,
            m.port,
            "testhall",
            "kiosk1",
            pw,
            tls_ca=str(certs / "ca.crt"),
            tls_cert=str(other / "server.crt"),
            tls_key=str(other / "server.key"),
        )
        assert never_connects(foreign)
        log = mosq.log_tail(20000)
        assert "peer did not return a certificate" in log and "certificate verify failed" in log
