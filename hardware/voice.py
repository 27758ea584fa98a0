"""Call announcements: chime, then "请A零零一号到5号窗口办理", repeated, never overlapping.

``announce()`` only queues; one worker thread renders and plays calls strictly in order, so
two calls never overlap. A call with nobody queued behind it is said in full (chime, sentence
``repeat`` times). When calls queue up the announcer shortens (so one announcer keeps up with a
zone's peak call rate): the calls of a run are each said once, the run has one chime. A call
that could not begin within ``late_s`` of arriving is not said (the queue catches up) but is
never skipped silently: ``when_unsaid(call)`` tells the wall display, which flags it on screen.
Speech comes from espeak-ng (voice cmn-latn-pinyin: the cmn/zh voices read Chinese with English
rules) or from recorded clips concatenated; rendered WAVs are cached by content. Playback runs
the configured player (``aplay -q``); tests pass their own ``play`` callable (see FilePlayer).
"""

from __future__ import annotations

import hashlib
import logging
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from hardware import wavtools
from hardware.config import VoiceConfig
from hardware.errors import ClipMissingError, VoiceError, VoiceToolMissingError
from hardware.voice_text import call_text, clip_tokens

log = logging.getLogger(__name__)

Player = Callable[[Path], None]


class Form(Enum):
    """How a call is said: alone in full, or shortened inside a run of queued calls."""

    FULL = "full"  # chime, then the sentence `repeat` times
    RUN_FIRST = "run_first"  # chime, then the sentence once (others are queued behind it)
    RUN_NEXT = "run_next"  # a short gap, then the sentence once (no chime: the run has one)


@dataclass(frozen=True)
class Call:
    """One call to announce (a recall is spoken again); ``lang`` "" = the config's.

    ``queued_at`` is the announcer's clock when it was queued (for ``late_s``)."""

    ticket: str
    window_name: str
    recall: bool = False
    lang: str = ""
    queued_at: float = field(default=0.0, compare=False)
    service: str = ""  # a case (一件事) at a later step: the service named in the call
    agent: str = ""  # 帮办代办: the agent carrying the case is called, not the number
    room: bool = False  # a joint review's call to its room (联审室): nothing to 办理 there


class Announcer:
    """The one announcement queue: calls are spoken one after another on its own thread.

    Callers (the wall display's controller, on Kivy's main thread) only queue and return at
    once; the queue is unbounded on purpose (every citizen must hear their number, in the order
    the calls arrived). hardware.fakes.FakeAnnouncer is this queue with a recording ``_speak``.
    """

    def __init__(
        self,
        cfg: VoiceConfig,
        play: Player | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cfg = cfg
        self.cache_dir = Path(cfg.cache_dir)
        self._play = play if play is not None else self._run_player
        self.clock = clock
        self.when_unsaid: Callable[[Call], None] | None = None  # from the worker thread
        self.unsaid: list[Call] = []  # calls not said in time (flagged on the wall)
        self._queue: queue.Queue[Call | None] = queue.Queue()
        self._pending = 0
        self._in_run = False  # the last call spoken had others queued behind it
        self._idle = threading.Condition()
        self._worker: threading.Thread | None = None
        self._last_error: str | None = None

    def open(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="announcer", daemon=True)
            self._worker.start()

    def announce(
        self,
        ticket: str,
        window_name: str,
        recall: bool = False,
        lang: str | None = None,
        service: str = "",
        *,
        agent: str = "",
        room: bool = False,
    ) -> None:
        """Queue a call (a recall is spoken again in full); returns at once."""
        self.open()
        with self._idle:
            self._pending += 1
        lang = lang or self.cfg.lang
        call = Call(ticket, window_name, recall, lang, self.clock(), service, agent, room)
        self._queue.put(call)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued call has been spoken; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float | None = 30.0) -> None:
        """Speak what is queued, then stop the worker."""
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout)
            self._worker = None

    def text_for(
        self,
        ticket: str,
        window_name: str,
        lang: str | None = None,
        service: str = "",
        *,
        agent: str = "",
        room: bool = False,
    ) -> str:
        lang = lang or self.cfg.lang
        return call_text(self.cfg, ticket, window_name, lang, service, agent=agent, room=room)

    def render(self, text: str, lang: str | None = None) -> Path:
        """Speech for `text` as a WAV (cached): espeak-ng or clips."""
        lang = lang or self.cfg.lang
        path = self._cache_path("speech", self.cfg.engine, self._voice(lang), text)
        if not path.exists():
            if self.cfg.engine == "clips":
                self._render_clips(text, path)
            else:
                render_espeak(text, self._voice(lang), self.cfg.speed_wpm, path)
        return path

    def render_call(
        self,
        ticket: str,
        window_name: str,
        lang: str | None = None,
        form: Form = Form.FULL,
        service: str = "",
        *,
        agent: str = "",
        room: bool = False,
    ) -> Path:
        """The announcement as one WAV: chime, then the sentence `repeat` times with gaps
        (``Form.FULL``), or its shortened forms inside a run of queued calls; ``service``: a
        case moving on is told the service it comes for."""
        text = self.text_for(ticket, window_name, lang, service, agent=agent, room=room)
        speech = self.render(text, lang)
        key = (speech.name, form.value, self.cfg.chime, self.cfg.repeat, self.cfg.gap_s)
        path = self._cache_path("call", *map(str, key))
        if path.exists():
            return path
        fmt, _ = wavtools.read(speech)
        parts: list[Path | bytes] = []
        if self.cfg.chime and form is not Form.RUN_NEXT:
            parts += [self._chime(fmt), wavtools.silence(fmt, 0.2)]
        if form is Form.RUN_NEXT:
            parts.append(wavtools.silence(fmt, self.cfg.gap_s))
        repeat = self.cfg.repeat if form is Form.FULL else 1
        for i in range(repeat):
            parts += [speech] if i == 0 else [wavtools.silence(fmt, self.cfg.gap_s), speech]
        return wavtools.write(path, fmt, wavtools.concat(parts, fmt))

    def form_for(self, behind: int) -> Form:
        """Full when nobody is queued behind and no run is going on; shortened otherwise."""
        if self._in_run:
            return Form.RUN_NEXT
        return Form.RUN_FIRST if behind > 0 else Form.FULL

    def _work(self) -> None:
        while (call := self._queue.get()) is not None:
            try:
                self._take(call)
                self._last_error = None
            except VoiceError as exc:  # no sound card, player missing: say so once, not per call
                if str(exc) != self._last_error:
                    log.warning("calls cannot be announced: %s", exc)
                self._last_error = str(exc)
            except Exception:
                log.exception("announcement of a call failed")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _take(self, call: Call) -> None:
        """Say the call (in the form the queue behind it calls for), or flag it if too late."""
        behind = self._queue.qsize()
        if self.clock() - call.queued_at > self.cfg.late_s:
            self._in_run = behind > 0
            self._flag_unsaid(call)
            return
        form = self.form_for(behind)
        self._in_run = behind > 0
        self._speak(call, form)

    def _flag_unsaid(self, call: Call) -> None:
        log.warning("call %s not announced: queued for over %.0f s", call.ticket, self.cfg.late_s)
        self.unsaid.append(call)
        if self.when_unsaid is not None:
            self.when_unsaid(call)

    def _speak(self, call: Call, form: Form = Form.FULL) -> None:
        if self.cfg.engine == "none":
            return
        c = call
        how = {"agent": c.agent, "room": c.room}
        self._play(self.render_call(c.ticket, c.window_name, c.lang, form, c.service, **how))

    def _run_player(self, path: Path) -> None:
        command = [*self.cfg.player, str(path)]
        try:
            subprocess.run(command, check=True, timeout=120, capture_output=True)
        except FileNotFoundError as exc:
            raise VoiceToolMissingError(f"player {command[0]!r} is not installed") from exc
        except subprocess.SubprocessError as exc:
            raise VoiceError(f"player failed: {exc}") from exc

    def _voice(self, lang: str) -> str:
        return self.cfg.voice_en if lang == "en" else self.cfg.voice

    def _chime(self, fmt: wavtools.Format) -> Path | bytes:
        if self.cfg.engine == "clips" and self.cfg.clips_dir:
            recorded = Path(self.cfg.clips_dir) / "chime.wav"
            if recorded.exists():
                return recorded
        return wavtools.chime(fmt)

    def _render_clips(self, text: str, path: Path) -> None:
        if not self.cfg.clips_dir:
            raise VoiceError("engine 'clips' needs clips_dir")
        clips = Path(self.cfg.clips_dir)
        available = {p.stem for p in clips.glob("*.wav")} - {"chime"}
        tokens = clip_tokens(text, available)
        missing = [t for t in tokens if t not in available]
        if missing:
            raise ClipMissingError(f"no clip for {missing} in {clips}")
        files = [clips / f"{t}.wav" for t in tokens]
        fmt, _ = wavtools.read(files[0])
        wavtools.write(path, fmt, wavtools.concat(list(files), fmt))

    def _cache_path(self, kind: str, *key: str) -> Path:
        digest = hashlib.sha1("\x1f".join(key).encode(), usedforsecurity=False).hexdigest()
        return self.cache_dir / f"{kind}-{digest[:20]}.wav"


def render_espeak(text: str, voice: str, wpm: int, path: Path) -> Path:
    """Synthesise `text` with espeak-ng into a WAV file."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise VoiceToolMissingError("espeak-ng is not installed (apt-get install espeak-ng)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.wav")
    result = subprocess.run(
        [exe, "-v", voice, "-s", str(wpm), "-w", str(tmp), text],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0 or not tmp.exists():
        raise VoiceError(f"espeak-ng failed: {result.stderr.decode(errors='replace')}")
    tmp.replace(path)
    return path


def phonemes(text: str, voice: str) -> str:
    """espeak-ng's phoneme transcription (`-x`): how to check what will actually be said."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise VoiceToolMissingError("espeak-ng is not installed")
    out = subprocess.run([exe, "-v", voice, "-q", "-x", text], capture_output=True, check=True)
    return out.stdout.decode().strip()


CLIP_WORDS = [
    "请",
    "号",
    "到",
    "窗口",
    "办理",
    *"零一二三四五六七八九幺",
    *"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
]


def build_clips(clips_dir: Path, voice: str = "cmn-latn-pinyin", wpm: int = 150) -> Path:
    """Pre-render the standard clip set with espeak-ng (a hall may replace them by recordings)."""
    for word in CLIP_WORDS:
        render_espeak(word, voice, wpm, clips_dir / f"{word}.wav")
    return clips_dir


class FilePlayer:
    """Speak-to-file: copies each announcement to out_dir/0001.wav ... and logs play times.

    With ``speed`` > 0 it also blocks for duration / speed, like a real player would.
    """

    def __init__(self, out_dir: Path, speed: float = 0.0) -> None:
        self.out_dir = out_dir
        self.speed = speed
        self.played: list[tuple[Path, float, float]] = []  # (copy, started, ended)
        self._lock = threading.Lock()

    def __call__(self, path: Path) -> None:
        started = time.monotonic()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        copy = self.out_dir / f"{len(self.played) + 1:04d}.wav"
        shutil.copyfile(path, copy)
        if self.speed > 0:
            time.sleep(wavtools.duration(path) / self.speed)
        with self._lock:
            self.played.append((copy, started, time.monotonic()))
