"""The citizens' ticket page against real Mosquitto and the broker service's own store."""

import pytest

from board.server import BoardServer
from board.testing import Browser, wait_until


@pytest.fixture
def board(broker, mosquitto):
    with BoardServer(mosquitto.cfg) as server:
        yield server


def test_the_page_follows_a_ticket_from_waiting_to_called(board, device):
    b = Browser(board.url)
    _c1, counter = device("counter1")
    _k1, kiosk = device("kiosk1")
    counter.send("open", staff="zhang")
    first, second = (kiosk.send("issue", service="rs01").ticket for _ in range(2))
    status, body = b.request(f"/q/testhall/{second}.json")
    assert status == 200
    assert body["state"] == "waiting" and body["ahead"] == 1
    assert body["service_name"] == "社保参保登记" and body["est_wait_min"] >= 1
    status, html = b.request(f"/q/testhall/{second}")
    page = html.decode()
    assert status == 200 and "等候中" in page and "前面还有约 <b>1</b> 人" in page

    counter.send("call_next")  # calls `first`
    called = wait_until(lambda: _json(b, f"/q/{first}.json")["state"] == "called" or None)
    assert called
    page = b.request(f"/q/testhall/{first}")[1].decode()
    assert "已叫号" in page and "<strong>1号窗口</strong>" in page
    assert "zhang" not in page  # staff ids stay on the managers' board
    english = b.request(f"/q/testhall/{first}?lang=en")[1].decode()
    assert "Please go to" in english and "Window 1" in english
    wait_until(lambda: _json(b, f"/q/testhall/{second}.json")["ahead"] == 0 or None)


def test_unknown_and_malformed_numbers_are_404_with_plain_words(board, device):
    b = Browser(board.url)
    status, body = b.request("/q/testhall/A999.json")
    assert status == 404 and body == {"ticket": "A999", "state": "unknown"}
    status, html = b.request("/q/testhall/A999")
    assert status == 404 and "今天没有这个号码" in html.decode()
    for bad in ("/q/testhall/Z001", "/q/otherhall/A001", "/q/testhall/A1", "/q/testhall/%3Cb%3E"):
        status, html = b.request(bad)
        assert status == 404 and "不是有效的号码" in html.decode(), bad


def _json(b, path):
    return b.request(path)[1]
