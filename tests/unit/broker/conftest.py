"""Fixtures of the service tests: the matters hall's service on a FakeLink."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from halls import write_test_hall

from broker.service import BrokerService
from hallq.config import load_config
from hallq.core.engine import Engine
from hallq.fakes import FakeLink
from hallq.store import EventStore

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def matters_service(tmp_path: Path) -> Iterator[tuple[BrokerService, FakeLink]]:
    """(service, link): tests/data/hall_matters.toml's service, loaded, its link online."""
    cfg = load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))
    link = FakeLink(cfg.hall.id, device="hallq")
    link.go_online()
    store = EventStore(tmp_path / "hallq.db")
    s = BrokerService(cfg, store=store, engine=Engine(cfg.layout()), link=link)
    s.load()
    yield s, link
    store.close()
