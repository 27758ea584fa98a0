"""The print-result outbox: kept on disk, delivered in order, same id on every try."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hallq.client import Offline, Refused, ReplyTimeout
from hallq.contract import ErrorReply, PrintResultOk
from hallq.core.errors import ErrorCode
from kiosk.outbox import FILE_NAME, PrintOutbox, default_state_dir


class ScriptedCommands:
    """A command client whose answers are scripted: "ok", an exception, or a refusal code."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.sent: list[dict] = []
        self.default = "ok"

    def send(self, op: str, **fields) -> PrintResultOk:
        self.sent.append({"op": op, **fields})
        answer = self.answers.pop(0) if self.answers else self.default
        if answer == "offline":
            raise Offline("not connected")
        if answer == "timeout":
            raise ReplyTimeout("no reply")
        if answer != "ok":
            code = ErrorCode(answer)
            refusal = ErrorReply(id=fields["cmd_id"], error=code, message=f"refused: {answer}")
            raise Refused(refusal)
        return PrintResultOk(id=fields["cmd_id"], ticket=fields["ticket"])


def sent_tickets(commands: ScriptedCommands) -> list[tuple[str, str, bool]]:
    return [(s["ticket"], s["cmd_id"], s["ok"]) for s in commands.sent]


def on_disk(state: Path) -> list[dict]:
    return json.loads((state / FILE_NAME).read_text(encoding="utf-8"))["results"]


def test_a_result_is_on_disk_before_it_is_sent(tmp_path):
    commands = ScriptedCommands("offline")
    box = PrintOutbox.open(commands, tmp_path)
    r = box.add("A001", False, "paper_out")
    assert on_disk(tmp_path) == [
        {
            "id": r.id,
            "ticket": "A001",
            "ok": False,
            "reason": "paper_out",
            "created_at": r.created_at,
        }
    ]
    assert box.flush() == 1
    assert [p.ticket for p in box.pending] == ["A001"]
    assert [f.name for f in tmp_path.iterdir()] == [FILE_NAME]  # no temporary file left


def test_each_result_gets_its_own_id_and_keeps_it_on_every_retry(tmp_path):
    commands = ScriptedCommands("offline", "timeout", "ok", "ok")
    box = PrintOutbox.open(commands, tmp_path)
    a = box.add("A001", False, "paper_out")
    b = box.add("A002", True)
    assert a.id != b.id
    assert box.flush() == 2  # offline
    assert box.flush() == 2  # no reply
    assert box.flush() == 0
    assert sent_tickets(commands) == [
        ("A001", a.id, False),
        ("A001", a.id, False),
        ("A001", a.id, False),
        ("A002", b.id, True),
    ]
    assert on_disk(tmp_path) == []


def test_a_restart_delivers_what_the_last_run_could_not_in_order(tmp_path):
    first = PrintOutbox.open(ScriptedCommands("offline"), tmp_path)
    ids = [first.add(t, False, "cover_open").id for t in ("A001", "B001", "A002")]
    first.flush()
    commands = ScriptedCommands()
    second = PrintOutbox.open(commands, tmp_path)  # the kiosk restarted
    assert [r.id for r in second.pending] == ids
    assert second.flush() == 0
    assert sent_tickets(commands) == list(
        zip(("A001", "B001", "A002"), ids, [False] * 3, strict=True)
    )
    assert PrintOutbox.open(ScriptedCommands(), tmp_path).pending == []


def test_a_transport_failure_stops_the_flush_so_the_order_holds(tmp_path):
    commands = ScriptedCommands("timeout")
    box = PrintOutbox.open(commands, tmp_path)
    box.add("A001", False, "x")
    box.add("A002", False, "y")
    assert box.flush() == 2
    assert [s["ticket"] for s in commands.sent] == ["A001"]  # A002 not sent ahead of A001


@pytest.mark.parametrize("code", ["bad_state", "unknown_ticket"])
def test_a_final_refusal_drops_the_result_and_says_so(tmp_path, caplog, code):
    commands = ScriptedCommands(code, "ok")
    box = PrintOutbox.open(commands, tmp_path)
    box.add("A001", False, "paper_out")
    box.add("A002", True)
    with caplog.at_level(logging.WARNING, logger="kiosk.outbox"):
        assert box.flush() == 0
    assert [s["ticket"] for s in commands.sent] == ["A001", "A002"]
    assert any("A001" in m and code in m and "dropped" in m for m in caplog.messages)
    assert on_disk(tmp_path) == []


def test_an_internal_error_keeps_the_result_for_later(tmp_path):
    commands = ScriptedCommands("internal")
    box = PrintOutbox.open(commands, tmp_path)
    box.add("A001", False, "x")
    assert box.flush() == 1
    assert box.flush() == 0
    assert len(commands.sent) == 2


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"version": 1, "results": [{"ticket": "A001"}]}', b"[1, 2]", b"\xff\xfe"],
)
def test_a_corrupt_file_is_moved_aside_and_the_kiosk_goes_on(tmp_path, caplog, content):
    (tmp_path / FILE_NAME).write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="kiosk.outbox"):
        box = PrintOutbox.open(ScriptedCommands(), tmp_path, clock=lambda: 1764280000.0)
    assert box.pending == []
    aside = tmp_path / f"{FILE_NAME}.corrupt-1764280000"
    assert aside.read_bytes() == content  # kept for a person to look at
    assert any("unreadable" in m for m in caplog.messages)
    box.add("A001", False, "x")
    assert [r["ticket"] for r in on_disk(tmp_path)] == ["A001"]


def test_an_unwritable_state_dir_keeps_results_in_memory(tmp_path, caplog):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the state directory should be")
    commands = ScriptedCommands("offline")
    box = PrintOutbox.open(commands, blocker)
    with caplog.at_level(logging.ERROR, logger="kiosk.outbox"):
        box.add("A001", False, "x")
    assert any("not saved" in m for m in caplog.messages)
    assert box.flush() == 1 and box.flush() == 0


def test_memory_only_outbox_still_delivers_in_order():
    commands = ScriptedCommands("offline")
    box = PrintOutbox(commands)
    box.add("A001", True)
    box.add("A002", True)
    assert box.flush() == 2 and box.flush() == 0
    assert [s["ticket"] for s in commands.sent] == ["A001", "A001", "A002"]


def test_default_state_dir_follows_xdg_then_home(tmp_path, monkeypatch):
    assert default_state_dir("kiosk1", {"XDG_STATE_HOME": "/var/lib/x"}) == Path(
        "/var/lib/x/hallq/kiosk1"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_state_dir("kiosk2", {}) == tmp_path / ".local/state/hallq/kiosk2"
