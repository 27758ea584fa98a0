"""Scenarios for kiosk_driver.py: generators that tap, wait, check and take screenshots.

A scenario yields a number (seconds to wait) or a predicate (poll until true, 10 s at most).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch

from hallq.config import load_config
from hallq.fakes import FakeLink
from hardware.fakes import FakePrinter, FakeScanner

POLL_S, WAIT_MAX_S = 0.05, 12.0


class Harness:
    def __init__(self, args, w: int, h: int, t_start: float) -> None:
        self.args, self.w, self.h, self.t_start = args, w, h, t_start
        self.cfg = load_config(args.config)
        self.printer = FakePrinter()
        self.checks: list[tuple[str, bool]] = []
        self.shots: list[str] = []
        self.broker = None
        self.scanner = FakeScanner()

    # ------------------------------------------------------------ app
    def start(self, scenario, result: dict) -> None:
        self.result = result
        self._steps = scenario(self)
        Clock.schedule_once(lambda _dt: self._next(), 0.3)
        if self.args.live:
            self._run_live()
        else:
            self._run_fake()
        result["checks"] = [{"what": w, "ok": ok} for w, ok in self.checks]
        result["shots"] = self.shots
        result["passed"] = (
            bool(self.checks) and all(ok for _w, ok in self.checks) and "error" not in result
        )

    def _run_fake(self) -> None:
        """The real broker service in this process, on the kiosk's FakeLink."""
        from kiosk_service import HallService, InstantCommands

        from kiosk.app import KioskApp, build_controller
        from kiosk.controller import wire_link

        device = self.cfg.device(self.args.device)
        self.link = FakeLink(self.cfg.hall.id, device.id)
        store = Path(tempfile.mkdtemp(prefix="kiosk-store"))
        self.service = HallService(self.cfg, self.link, store)
        self.printer.open()
        commands = InstantCommands(self.link)
        c = build_controller(self.cfg, device, commands, self.printer, self.link)
        wire_link(self.link, c)
        self.controller = c
        Clock.schedule_once(lambda _dt: self.link.start(), 0)
        KioskApp(c, scanner=self.scanner).run()

    def _run_live(self) -> None:
        import os

        from kiosk import app as kiosk_app

        os.environ["HALLQ_FULLSCREEN"] = "0"
        if self.args.own_broker:
            self.start_broker()
        try:
            kiosk_app.run(self.cfg, self.args.device, printer=self.printer)
        finally:
            self.stop_broker()

    def start_broker(self) -> None:
        """A broker service in this process (scenarios stop and restart it), windows open."""
        from app.bootstrap import build_broker
        from hallq.protocol import encode

        self.broker = build_broker(self.cfg)
        self.broker.start()
        for d in self.cfg.devices:
            if d.role == "counter":
                self.broker.handle(d.id, encode({"id": f"open-{d.id}-{time.time()}", "op": "open"}))

    def stop_broker(self) -> None:
        if self.broker is not None:
            self.broker.stop()
            self.broker = None

    @property
    def app(self):
        return App.get_running_app()

    @property
    def c(self):
        return self.app.controller

    # ------------------------------------------------------------ stepping
    def _next(self, started: float | None = None, pred=None) -> None:
        try:
            if pred is not None and not pred():
                if time.perf_counter() - started > WAIT_MAX_S:
                    where = self.app.root.current
                    self.check(f"timed out waiting for {pred.__doc__ or pred} (on {where})", False)
                    self.app.stop()
                    return
                Clock.schedule_once(lambda _dt: self._next(started, pred), POLL_S)
                return
            step = next(self._steps)
        except StopIteration:
            self.app.stop()
            return
        except Exception:
            import traceback

            self.result["error"] = traceback.format_exc()
            self.app.stop()
            return
        if callable(step):
            Clock.schedule_once(lambda _dt: self._next(time.perf_counter(), step), 0)
        else:
            Clock.schedule_once(lambda _dt: self._next(), step)

    # ------------------------------------------------------------ helpers
    def check(self, what: str, ok: bool) -> None:
        self.checks.append((what, bool(ok)))

    def screen(self):
        return self.app.root.current_screen

    def widget(self, wid: str, screen: str | None = None):
        s = self.app.root.get_screen(screen) if screen else self.screen()
        return s.ids[wid]

    def tiles(self, screen: str | None = None):
        return list(reversed(self.widget("tiles_grid", screen).children))

    def tap(self, widget, hold: float = 0.12):
        """A real touch at the widget's centre, after the layout has settled; returns the wait."""

        def down(_dt: float) -> None:
            touch = UnitTestTouch(*widget.to_window(*widget.center))
            touch.touch_down()
            Clock.schedule_once(lambda _dt: touch.touch_up(), hold)

        Clock.schedule_once(down, 0.05)
        return hold + 0.3  # a ScrollView replays a touch to its children after its timeout

    def tiles_of(self, grid: str):
        return list(reversed(self.widget(grid).children))

    def key(self, text: str):
        return next(k for k in self.widget("keypad_grid").children if k.text == text)

    def header(self, wid: str):
        return self.screen().ids.header_bar.ids[wid]

    def shot(self, name: str):
        if not self.args.shots:
            return 0
        out = Path(self.args.shots)
        out.mkdir(parents=True, exist_ok=True)
        base = out / f"{name}_{self.w}x{self.h}.png"
        made = Window.screenshot(name=str(out / f"{name}_{self.w}x{self.h}_.png"))
        if made:
            shutil.move(made, base)
            self.shots.append(str(base))
        return 0.05

    def settled(self) -> bool:
        """home tiles laid out and drawn"""
        tiles = self.tiles("home")
        laid_out = bool(tiles) and list(tiles[0].size) != [100, 100]  # 100x100: not laid out yet
        drawn = Clock.frames_displayed >= 3  # a touch before the first frames can be lost
        return laid_out and drawn and self.c.state.link.value == "ok"

    def ready(self) -> bool:
        """home tiles enabled"""
        tiles = self.tiles("home")
        enabled = self.c.state.blocked is None and any(t.is_enabled for t in tiles)
        return self.settled() and enabled

    def entered(self, name: str):
        """A predicate: screen ``name`` is shown and its on_enter has run."""

        def done() -> bool:
            return self.app.root.current == name and not self.app.root.transition.is_active

        done.__doc__ = f"{name} screen entered"
        return done

    def on_ticket_result(self) -> bool:
        """ticket screen shows a result"""
        s = self.app.root.get_screen("ticket")
        return self.app.root.current == "ticket" and s.outcome is not None

    def issues(self) -> list[dict]:
        return [s for s in self.service.sent() if s["op"] == "issue"]

    def printer_presence(self) -> str | None:
        """The printer value of the kiosk's last presence, as readers decode it."""
        sent = self.service.presences()
        return sent[-1].printer if sent else None

    def elapsed(self) -> float:
        return time.perf_counter() - self.t_start


from kiosk_flows import SCENARIOS  # noqa: E402
from kiosk_live_flows import LIVE_SCENARIOS  # noqa: E402

SCENARIOS.update(LIVE_SCENARIOS)

__all__ = ["SCENARIOS", "Harness"]
