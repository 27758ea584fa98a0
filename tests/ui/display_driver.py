"""Runs one wall display in its own process (Kivy is fragile when restarted in one process).

    python display_driver.py CONFIG DEVICE WIDTHxHEIGHT [--fake-link] [--voice-dir DIR]

Prints one JSON object per line on stdout:
  {"event": "ready"}                          first frame is up
  {"event": "arrived", "ticket", "frame"}     event/called reached the process (paho thread)
  {"event": "shown", "frame", "latest", "latest_label", "recent", "offline", "highlighted",
   "waiting"}                                 the screen was updated (main thread)
  {"event": "said", "ticket", "window", "recall", "start", "end"}   spoken (the queue's worker)
  {"event": "played", "wav", "start", "end"}  (--voice-dir) a rendered call WAV was played
  {"event": "flipped", "ticket", "t"}        the frame showing a new call reached the screen
  {"event": "shot", "path"}                   a screenshot was written
Reads commands on stdin: "shot <path>", "offline", "online", "publish <topic> <json>" (fake
link only), "quit".
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

_out_lock = threading.Lock()


def emit(**fields: Any) -> None:
    with _out_lock:
        sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def reporting(announcer_class: type) -> type:
    """The announcer class (the one queue: hardware.voice.Announcer, or its fake) whose worker
    reports each announcement's start and end."""

    from hardware.config import VoiceConfig
    from hardware.voice_text import call_text

    class Reporting(announcer_class):  # type: ignore[misc, valid-type]
        def _speak(self, call: Any, form: Any) -> None:
            start = time.monotonic()
            super()._speak(call, form)
            emit(
                event="said",
                ticket=call.ticket,
                window=call.window_name,
                recall=call.recall,
                text=call_text(
                    VoiceConfig(),
                    call.ticket,
                    call.window_name,
                    "zh",
                    call.service,
                    agent=call.agent,
                    room=call.room,
                ),
                form=form.value,
                start=start,
                end=time.monotonic(),
            )

    return Reporting


def make_voice(voice_dir: str | None, late_s: float | None = None) -> Any:
    """The fake announcer taking 50 ms a call (``--voice-late S``: 0.5 s a call, and calls
    not begun within S seconds are not said), or (``--voice-dir``) hardware.voice.Announcer
    rendering real WAVs with espeak-ng and "playing" them to files at 20x speed, each play
    reported."""
    if voice_dir is None:
        from hardware.fakes import FakeAnnouncer

        if late_s is not None:
            return reporting(FakeAnnouncer)(busy_s=0.5, late_s=late_s)
        return reporting(FakeAnnouncer)(busy_s=0.05)
    from hardware.config import VoiceConfig
    from hardware.voice import Announcer, FilePlayer

    player = FilePlayer(Path(voice_dir) / "played", speed=20)

    def play(path: Path) -> None:
        start = time.monotonic()
        player(path)
        emit(event="played", wav=str(path), start=start, end=time.monotonic())

    cfg = VoiceConfig(cache_dir=str(Path(voice_dir) / "cache"))
    return reporting(Announcer)(cfg, play=play)


def watch_link(link: Any) -> None:
    """Report when an event/called reaches the process, before the hop to the main thread."""
    from kivy.clock import Clock

    def arrived(_topic: str, payload: bytes) -> None:
        ticket = json.loads(payload).get("ticket")
        emit(event="arrived", ticket=ticket, frame=Clock.frames, t=time.monotonic())

    link.subscribe(link.topics.event("called"), arrived)


def report_flips(pending: list[str]) -> None:
    """After the frame that shows a new call is swapped to the screen, report it."""
    from kivy.core.window import Window

    flip = Window.flip

    def flip_and_report() -> None:
        flip()
        while pending:
            emit(event="flipped", ticket=pending.pop(0), t=time.monotonic())

    Window.flip = flip_and_report


def when_ready(app: Any, ctl: Any, link: Any) -> None:
    from kivy.clock import Clock

    pending: list[str] = []
    report_flips(pending)

    def shown(v: Any) -> None:
        ids = ctl.screen.ids
        if v.latest and v.is_highlighted:
            pending.append(v.latest.ticket)
        emit(
            event="shown",
            t=time.monotonic(),
            frame=Clock.frames,
            latest=v.latest.ticket if v.latest else None,
            latest_label=ids.latest_ticket_label.text,
            latest_window=ids.latest_window_label.text,
            recent=[c.ticket for c in v.recent],
            unsaid=[c.ticket for c in [v.latest, *v.recent] if c is not None and c.unsaid],
            unsaid_tags=[r.ids.unsaid_label.text for r in ids.recent_grid.children if r.is_unsaid],
            latest_unsaid_label=ids.latest_unsaid_label.text,
            offline=not v.is_online,
            highlighted=v.is_highlighted,
            waiting={r.name: r.waiting for r in v.waiting},
        )

    ctl.when_shown = shown
    threading.Thread(target=read_commands, args=(app, link), daemon=True).start()
    emit(event="ready", frame=Clock.frames)
    ctl.refresh()


def read_commands(app: Any, link: Any) -> None:
    from kivy.clock import Clock

    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "quit":
            Clock.schedule_once(lambda _dt: app.stop(), 0)
            return
        if cmd == "shot":
            Clock.schedule_once(lambda _dt, p=arg: screenshot_after_frames(p, 3), 0.3)
        elif cmd == "offline":
            link.go_offline()
        elif cmd == "online":
            link.go_online()
        elif cmd == "publish":
            topic, _, body = arg.partition(" ")
            link.deliver(topic, body.encode(), retain="/state/" in topic)
    Clock.schedule_once(lambda _dt: app.stop(), 0)


def screenshot_after_frames(path: str, frames: int) -> None:
    """Let pending layout and texture updates run for a few frames, then take the shot."""
    from kivy.clock import Clock

    if frames > 0:
        Clock.schedule_once(lambda _dt: screenshot_after_frames(path, frames - 1), 0)
    else:
        screenshot(path)


def screenshot(path: str) -> None:
    from kivy.core.window import Window

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # glReadPixels reads the back buffer, which after a flip holds an old frame: draw the
    # current state into it first, then read it.
    Window.dispatch("on_draw")
    written = Window.screenshot(name=path)  # Kivy numbers it: x.png -> x0001.png
    os.replace(written, path)  # the same name every run
    emit(event="shot", path=path)


def main(argv: list[str]) -> None:
    from display.app import run
    from hallq.config import load_config
    from hallq.fakes import FakeLink
    from hallq.mqtt import MqttLink

    config, device_id, size = argv[0], argv[1], argv[2]
    w, h = (int(x) for x in size.split("x"))
    cfg = load_config(config)
    voice_dir = argv[argv.index("--voice-dir") + 1] if "--voice-dir" in argv else None
    late = float(argv[argv.index("--voice-late") + 1]) if "--voice-late" in argv else None
    link: Any = (
        FakeLink(cfg.hall.id, device_id)
        if "--fake-link" in argv
        else MqttLink.from_config(cfg, device_id)
    )
    watch_link(link)
    run(
        cfg,
        device_id,
        link=link,
        announcer=make_voice(voice_dir, late),
        boards={},
        window_size=(w, h),
        when_ready=lambda app, ctl: when_ready(app, ctl, link),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
