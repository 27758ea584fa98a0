"""The wall display under SDL offscreen, against real Mosquitto and the broker service.

Each display runs in a subprocess (display_proc.py / display_driver.py): Kivy starts once per
process. Screenshots go to artifacts/display/.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from display_proc import DisplayProc

from hardware.config import VoiceConfig
from hardware.voice import Announcer, Form

pytestmark = pytest.mark.ui
Device = Callable[[str], tuple[object, object]]


def open_windows(device: Device, *counters: str) -> dict[str, object]:
    clients = {}
    for c in counters:
        _link, client = device(c)
        client.send("open", staff=f"s-{c}")  # type: ignore[attr-defined]
        clients[c] = client
    return clients


def issue(device: Device, service: str, n: int) -> list[str]:
    _link, kiosk = device("kiosk1")
    return [kiosk.send("issue", service=service).ticket for _ in range(n)]  # type: ignore[attr-defined]


def test_call_shows_within_one_frame_and_restart_restores(
    broker, device, artifacts, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cc = open_windows(device, "counter1", "counter2")
    issue(device, "rs01", 4)
    issue(device, "bdc01", 2)
    early = cc["counter2"].send("call_next").ticket  # before the display starts
    cfg = broker.cfg.source
    with DisplayProc(cfg, "display1", "1920x1080", tmp_path) as d:
        d.wait_for("shown", lambda e: not e["offline"] and e["latest"] is not None)
        called_now = []
        for _ in range(3):
            called = cc["counter1"].send("call_next").ticket
            called_now.append(called)
            arrived = d.wait_for("arrived", lambda e, t=called: e["ticket"] == t)
            # the window's retained state may show it first; the event highlights it
            shown = d.wait_for("shown", lambda e, t=called: e["latest"] == t and e["highlighted"])
            assert shown["frame"] - arrived["frame"] <= 1, (arrived, shown)
            assert shown["latest_label"] == called
            assert shown["latest_window"] == "请到 1号窗口"
        assert shown["recent"] == [*called_now[-2::-1], early]  # newest first
        assert shown["waiting"]  # rs01 still has someone waiting
        shot = d.shot(artifacts("display") / "wall_1920x1080.png")
        assert shot.stat().st_size > 20_000
    # `early`, called before the display started, was restored from retained state, never said
    assert [e["ticket"] for e in d.said()] == called_now
    # power cut: a new display process shows the current calls at once, says nothing
    with DisplayProc(cfg, "display1", "1920x1080", tmp_path) as d2:
        restored = d2.wait_for("shown", lambda e: e["latest"] is not None and e["recent"])
        # only the windows' current calls survive a restart (A001/A002 are finished)
        assert restored["latest"] == restored["latest_label"] == called_now[-1]
        assert restored["recent"] == [early]
        assert not restored["highlighted"]
    assert d2.said() == []


def test_zone_display_shows_and_says_only_its_windows(
    broker, device, artifacts, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cc = open_windows(device, "counter1", "counter3")
    issue(device, "bdc02", 3)
    issue(device, "rs01", 2)
    with DisplayProc(broker.cfg.source, "display-f2", "1080x1920", tmp_path) as d:
        d.wait_for("shown", lambda e: not e["offline"])
        f1 = cc["counter1"].send("call_next").ticket  # w1 is on F1
        d.wait_for("arrived", lambda e: e["ticket"] == f1)
        f2 = cc["counter3"].send("call_next").ticket  # w3 is on F2
        shown = d.wait_for("shown", lambda e: e["latest"] == f2)
        assert f1 not in shown["recent"]
        assert shown["latest_window"] == "请到 3号综合窗口"
        d.wait_for("said", lambda e: e["ticket"] == f2)
        shot = d.shot(artifacts("display") / "wall_1080x1920.png")
        assert shot.stat().st_size > 20_000
    assert [e["ticket"] for e in d.said()] == [f2]


def test_burst_of_20_calls_is_announced_in_order_none_lost_never_overlapping(
    broker, device, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert shutil.which("espeak-ng"), "espeak-ng is needed: apt-get install espeak-ng"
    cc = open_windows(device, "counter1", "counter2")
    # w1 serves only rs01/rs02; w2 also rs01 as secondary: 20 rs01 leave w1 enough for its 10
    # calls whichever line the routing rule sends w2 to
    issue(device, "rs01", 20)
    issue(device, "bdc01", 10)
    voice_dir = tmp_path / "voice"
    with DisplayProc(
        broker.cfg.source, "display1", "1280x720", tmp_path, "--voice-dir", str(voice_dir)
    ) as d:
        d.wait_for("shown", lambda e: not e["offline"])
        calls = []
        for i in range(20):
            counter = "counter1" if i % 2 == 0 else "counter2"
            calls.append((cc[counter].send("call_next").ticket, counter))
        cc["counter1"].send("recall")
        calls.append((calls[-2][0], "counter1"))
        for _ in calls:
            d.wait_for("played")
    names = {"counter1": "1号窗口", "counter2": "2号窗口"}
    said = [(e["ticket"], e["window"]) for e in d.said()]
    assert said == [(t, names[c]) for t, c in calls]
    assert [e["recall"] for e in d.said()] == [False] * 20 + [True]
    reference = Announcer(VoiceConfig(cache_dir=str(voice_dir / "cache")))
    forms = [Form(e["form"]) for e in d.said()]
    pairs = zip(calls, forms, strict=True)
    expected = [str(reference.render_call(t, names[c], form=f)) for (t, c), f in pairs]
    # the burst queued up: the calls behind the first are a run, said once each, one chime
    assert forms[0] in (Form.FULL, Form.RUN_FIRST) and forms.count(Form.RUN_FIRST) <= 2
    assert forms[-1] is Form.RUN_NEXT
    played = [e for e in d.events if e["event"] == "played"]
    assert [e["wav"] for e in played] == expected
    for before, after in itertools.pairwise(played):
        assert after["start"] >= before["end"]  # one after another, never overlapping
    assert len(list((voice_dir / "played").glob("*.wav"))) == 21


def test_offline_keeps_last_state_and_stale_events_are_shown_not_said(  # type: ignore[no-untyped-def]
    broker, mosquitto, device, artifacts, tmp_path: Path
) -> None:
    cc = open_windows(device, "counter1")
    issue(device, "rs01", 3)
    first = cc["counter1"].send("call_next").ticket
    with DisplayProc(broker.cfg.source, "display1", "1920x1080", tmp_path) as d:
        d.wait_for("shown", lambda e: e["latest"] == first and not e["offline"])
        mosquitto.kill()
        cut = d.wait_for("shown", lambda e: e["offline"])
        assert cut["latest"] == cut["latest_label"] == first  # the last state stays up
        shot = d.shot(artifacts("display") / "wall_offline_1920x1080.png")
        assert shot.stat().st_size > 20_000
        mosquitto.start()
        d.wait_for("shown", lambda e: not e["offline"])
        assert broker.service.link.wait_for_connection(30)
        # an event that reaches the display two minutes late (e.g. queued during an outage)
        late = {"ticket": "A099", "window": "w1", "window_name": "1号窗口", "zone": "F1"}
        topic = broker.service.link.topics.event("called")
        broker.service.link.publish(topic, {**late, "service": "rs01", "at": time.time() - 120})
        shown = d.wait_for("shown", lambda e: "A099" in e["recent"])
        assert shown["latest"] == first  # older than the current call: listed below it
        nxt = cc["counter1"].send("call_next").ticket
        d.wait_for("said", lambda e: e["ticket"] == nxt)  # announcements are FIFO
    assert [e["ticket"] for e in d.said()] == [nxt]


def test_calls_the_voice_could_not_say_in_time_are_flagged_on_the_wall(  # type: ignore[no-untyped-def]
    broker, device, artifacts, tmp_path: Path
) -> None:
    cc = open_windows(device, "counter1", "counter2", "counter3")
    issue(device, "rs01", 3)
    with DisplayProc(
        broker.cfg.source, "display1", "1920x1080", tmp_path, "--voice-late", "0.2"
    ) as d:
        d.wait_for("shown", lambda e: not e["offline"])
        called = [cc[c].send("call_next").ticket for c in ("counter1", "counter2", "counter3")]
        d.wait_for("said", lambda e: e["ticket"] == called[0])
        shown = d.wait_for("shown", lambda e: set(e["unsaid"]) == set(called[1:]))
        assert shown["latest"] == called[2]
        assert "未能语音播报" in shown["latest_unsaid_label"]
        assert shown["unsaid_tags"] == ["未播报"]  # the other one, in the recent list
        d.shot(artifacts("display") / "wall_unsaid_1920x1080.png")
    assert [e["ticket"] for e in d.said()] == called[:1]  # said once, then caught up
