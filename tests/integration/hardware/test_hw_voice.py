"""Voice with real espeak-ng: phonemes, WAV durations, order and no overlap, clip mode."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hw_helpers import require_tool

from hardware import wavtools
from hardware.config import VoiceConfig
from hardware.errors import ClipMissingError
from hardware.voice import Announcer, FilePlayer, Form, build_clips, phonemes

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "hardware"


@pytest.fixture(autouse=True)
def _espeak() -> None:
    require_tool("espeak-ng")


def cfg(tmp_path: Path, **kw: object) -> VoiceConfig:
    return VoiceConfig(cache_dir=str(tmp_path / "cache"), **kw)  # type: ignore[arg-type]


def test_pinyin_voice_says_the_ticket_digit_by_digit() -> None:
    said = phonemes("请A零零一号到5号窗口办理", "cmn-latn-pinyin")
    syllables = [s.strip() for s in said.split("_|") if s.strip()]
    assert syllables[:5] == [
        "tS;h'i21N",
        "'ei51",
        "l'i35N",
        "l'i35N",
        "j'i55",
    ]  # qing A ling ling yi
    assert "ts.hw'A55N" in said and "p'a51n" in said  # chuang ... ban
    yao = phonemes("A零零幺", "cmn-latn-pinyin")
    assert "j'Au55" in yao  # yao1


def test_plain_cmn_voice_is_not_what_we_use() -> None:
    assert phonemes("请A001号", "cmn") != phonemes("请A001号", "cmn-latn-pinyin")


def test_call_wav_is_chime_plus_repeats(tmp_path: Path) -> None:
    announcer = Announcer(cfg(tmp_path, repeat=2, gap_s=0.5))
    speech = announcer.render(announcer.text_for("A001", "5号窗口"))
    call = announcer.render_call("A001", "5号窗口")
    one = wavtools.duration(speech)
    assert 2.5 < one < 5.0
    expected = 0.7 + 0.2 + 2 * one + 0.5
    assert abs(wavtools.duration(call) - expected) < 0.01
    (ARTIFACTS / "voice").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "voice" / "call_A001_zh.wav").write_bytes(call.read_bytes())
    started = time.perf_counter()
    assert announcer.render_call("A001", "5号窗口") == call  # cached: no espeak run
    assert time.perf_counter() - started < 0.05


def test_english_call(tmp_path: Path) -> None:
    announcer = Announcer(cfg(tmp_path, repeat=1, chime=False))
    path = announcer.render_call("A001", "window 5", lang="en")
    assert 2.0 < wavtools.duration(path) < 6.0
    assert "'eI" in phonemes(announcer.text_for("A001", "window 5", "en"), "en")


def test_queued_calls_play_in_order_without_overlap(tmp_path: Path) -> None:
    player = FilePlayer(tmp_path / "out", speed=40)
    announcer = Announcer(cfg(tmp_path, repeat=1), play=player)
    tickets = [f"A{n:03d}" for n in range(1, 7)]
    threads = [threading.Thread(target=announcer.announce, args=(t, "3号窗口")) for t in tickets]
    for thread in threads:  # all at once, from many threads
        thread.start()
    for thread in threads:
        thread.join()
    announcer.announce("A001", "3号窗口", recall=True)
    assert announcer.wait_idle(60)
    announcer.close()
    assert len(player.played) == 7  # nothing dropped, the recall spoken again
    for (_, _, ended), (_, started, _) in itertools.pairwise(player.played):
        assert started >= ended  # never overlapping
    durations = [wavtools.duration(p) for p, _, _ in player.played]
    assert all(d > 2.0 for d in durations)


def soxi_seconds(path: Path) -> float:
    require_tool("soxi")
    out = subprocess.run(["soxi", "-D", str(path)], capture_output=True, check=True, text=True)
    return float(out.stdout)


def test_a_burst_is_said_shorter_by_ear_one_chime_then_each_call_once(tmp_path: Path) -> None:
    """The WAVs played for a burst, measured with sox: the first call (nobody behind it yet)
    in full, then the queued calls once each, the run's chime only on its first call."""
    first_playing, go = threading.Event(), threading.Event()
    player = FilePlayer(tmp_path / "out")

    def play(path: Path) -> None:
        first_playing.set()
        go.wait(30)
        player(path)

    announcer = Announcer(cfg(tmp_path, repeat=2, gap_s=0.6), play=play)
    announcer.announce("A001", "5号窗口")
    assert first_playing.wait(30)
    for n in range(2, 7):
        announcer.announce(f"A{n:03d}", "5号窗口")
    go.set()
    assert announcer.wait_idle(120)
    announcer.close()
    heard = [soxi_seconds(p) for p, _, _ in player.played]
    speech = [soxi_seconds(announcer.render(announcer.text_for(f"A{n:03d}", "5号窗口")))
              for n in range(1, 7)]  # fmt: skip
    chime = 0.7 + 0.2
    assert len(heard) == 6
    assert abs(heard[0] - (chime + 2 * speech[0] + 0.6)) < 0.01  # alone: in full
    assert abs(heard[1] - (chime + speech[1])) < 0.01  # a run begins: one chime, said once
    for n in range(2, 6):
        assert abs(heard[n] - (0.6 + speech[n])) < 0.01  # inside the run: no chime, once
    assert sum(heard[1:]) / 5 < heard[0] / 2  # a queued call takes less than half as long
    (ARTIFACTS / "voice").mkdir(parents=True, exist_ok=True)
    for (path, _, _), name in zip(player.played, ["full", "run_first", "run_next"], strict=False):
        (ARTIFACTS / "voice" / f"burst_{name}.wav").write_bytes(path.read_bytes())


def test_real_player_subprocess_in_fifo_order(tmp_path: Path) -> None:
    log = tmp_path / "plays.jsonl"
    script = (
        "import json,sys,time,wave;p=sys.argv[1];t=time.monotonic();time.sleep(0.05);"
        f"open({str(log)!r},'a').write(json.dumps([p,t,time.monotonic()])+'\\n')"
    )
    announcer = Announcer(cfg(tmp_path, repeat=1, player=[sys.executable, "-c", script]))
    for ticket in ("B001", "B002", "B003"):
        announcer.announce(ticket, "1号窗口")
    assert announcer.wait_idle(60)
    announcer.close()
    plays = [json.loads(line) for line in log.read_text().splitlines()]
    ticket_of = {
        announcer.render_call(t, "1号窗口", form=f): t
        for t in ("B001", "B002", "B003")
        for f in Form
    }
    assert [ticket_of[Path(p)] for p, _, _ in plays] == ["B001", "B002", "B003"]
    assert all(b[1] >= a[2] for a, b in itertools.pairwise(plays))


def test_missing_player_is_logged_and_worker_survives(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    announcer = Announcer(cfg(tmp_path, repeat=1, player=["no-such-player-xyz"]))
    announcer.announce("A001", "1号窗口")
    announcer.announce("A002", "1号窗口")
    assert announcer.wait_idle(30)
    announcer.close()
    # both calls were tried (the worker survived), the cause is said once, not per call
    assert caplog.text.count("calls cannot be announced") == 1
    assert "'no-such-player-xyz' is not installed" in caplog.text


def test_clip_mode_concatenates_clips(tmp_path: Path) -> None:
    clips = build_clips(tmp_path / "clips")
    announcer = Announcer(
        cfg(tmp_path, engine="clips", clips_dir=str(clips), repeat=1, chime=False)
    )
    text = announcer.text_for("A001", "5号窗口")
    path = announcer.render(text)
    parts = ["请", "A", "零", "零", "一", "号", "到", "五", "号", "窗口", "办理"]
    expected = sum(wavtools.duration(clips / f"{p}.wav") for p in parts)
    assert abs(wavtools.duration(path) - expected) < 0.001
    with pytest.raises(ClipMissingError):
        announcer.render("请到柜台")
