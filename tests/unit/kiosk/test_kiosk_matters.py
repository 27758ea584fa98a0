"""Matters (一件事) at the kiosk: their tiles, one tap = one ticket naming the matter and its
steps, against the real service on a FakeLink."""

from __future__ import annotations

from kiosk_fakes import kiosk

from kiosk import catalog
from kiosk.outcome import OutcomeKind
from kiosk.screens.ticket import texts
from kiosk.state import MATTER_KEY
from kiosk.widgets import tile_detail


def test_matter_tiles_come_first_and_follow_their_first_step(tmp_path):
    c, service, _p, _link = kiosk(tmp_path, hall="hall_matters.toml")
    tiles = catalog.matter_tiles(c.cfg, c.device, c.state)
    assert [t.key for t in tiles] == [MATTER_KEY + m for m in ("birth", "home", "desk")]
    birth = tiles[0]
    assert (birth.name, birth.steps, birth.enabled) == ("新生儿出生一件事", 4, True)
    service.close_window("w4")  # the only window of hz01, birth's first step
    c.maintain()
    birth = catalog.matter_tiles(c.cfg, c.device, c.state)[0]
    assert not birth.enabled and birth.reason == "service_closed"
    assert "等候" in tile_detail(birth, "zh")


def test_a_kiosk_for_some_departments_offers_the_matters_starting_there(tmp_path):
    c, *_ = kiosk(tmp_path, hall="hall_matters.toml", departments=["bdc"])
    assert [m.id for m in catalog.matters(c.cfg, c.device)] == ["home"]
    assert "bdc01" in catalog.service_codes(c.cfg, c.device)


def test_one_tap_issues_one_ticket_naming_the_matter_and_its_steps(tmp_path):
    c, service, printer, _ = kiosk(tmp_path, hall="hall_matters.toml")
    seen = []
    c.when_outcome = seen.append
    assert c.request_matter("birth")
    (o,) = seen
    assert o.kind is OutcomeKind.PRINTED and o.ticket == "D001"
    (issue,) = [s for s in service.sent() if s["op"] == "issue"]
    assert issue["matter"] == "birth" and "service" not in issue and issue["confirm"] is True
    (t,) = printer.tickets
    assert t.service_name == "新生儿出生一件事"
    assert t.stages == ("出生登记", "社保参保登记", "不动产转移登记", "养老保险待遇")
    assert t.footer is None  # "过号请重新取号" is not true of a case: a no-show is held
    assert service.engine.cases["D001"].matter == "birth"
    _title, number, detail = texts(o, "zh")
    assert number == "D001" and "共4步" in detail and "第1步：出生登记" in detail
    assert (
        "Step 1: Birth registration"
        in texts(c.issuer.issue_matter("birth", None, "again", "en"), "en")[2]
    )


def test_an_unknown_matter_is_refused_and_says_so(tmp_path):
    c, _service, printer, _ = kiosk(tmp_path, hall="hall_matters.toml")
    seen = []
    c.when_outcome = seen.append
    c.request_matter("gone")
    (o,) = seen
    assert o.kind is OutcomeKind.REFUSED and o.code == "unknown_matter"
    assert texts(o, "zh")[2] == "此一件事已停办" and printer.tickets == []
