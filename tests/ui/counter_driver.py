"""Drive the counter screen like a staff member (run in its own process: Kivy once per process).

usage: counter_driver.py CONFIG DEVICE_ID OUT_DIR
Prints one JSON line: {"ok": bool, "steps": [...], "shots": [...], "notes": [...], "error": str}.
Touches go through Kivy's UnitTestTouch at the widget's window position; keys through
Window.dispatch("on_key_down"). Screenshots go to OUT_DIR as counter_<step>.png (replaced each
run) and are listed in the result's "shots".
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

from hardware.screen import prepare_screen

prepare_screen((1024, 640))  # the one Kivy start-up: window size and the Chinese font

from kivy.app import App  # noqa: E402
from kivy.base import stopTouchApp  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from counter.screen import make_app  # noqa: E402
from counter.wiring import build_counter  # noqa: E402
from hallq.config import load_config  # noqa: E402

F1, F2, F5, F6, F7 = 282, 283, 286, 287, 288
Wait = Callable[[], bool]


def touch(widget) -> None:  # type: ignore[no-untyped-def]
    x, y = widget.to_window(*widget.center)
    t = UnitTestTouch(x, y)
    t.touch_down()
    Clock.schedule_once(lambda _dt: t.touch_up(), 0.1)  # a real finger lifts a frame later


def key(code: int) -> None:
    Window.dispatch("on_key_down", code, 0, None, [])
    Window.dispatch("on_key_up", code, 0)


def screenshot(path: str) -> str:
    """Kivy numbers a shot (x.png -> x0001.png, x0002.png...): keep one fresh file per name."""
    os.replace(Window.screenshot(name=path), path)
    return path


def script(app: App, out: str, log: list[str]) -> Iterator[Wait | str]:
    """Yield a condition to wait for, or a screenshot name; act between yields."""
    c = app.controller
    work = app.root.get_screen("work")
    yield lambda: c.view().online and app.root.current == "signin"
    yield "signin"
    signin = app.root.get_screen("signin")
    signin.ids.staff_input.text = "S007"
    touch(signin.ids.signin_button)
    yield lambda: app.root.current == "work" and c.view().staff == "S007"
    yield lambda: c.view().waiting > 0
    yield "open"
    key(F1)
    key(F1)  # a double press: one call only
    yield lambda: c.view().ticket == "A001" and not c.view().busy
    yield "called"
    touch(work.ids.start_button)
    yield lambda: c.view().ticket_state == "serving"
    time.sleep(0.7)  # past the repeat guard: this F1 is a deliberate next call
    key(F1)
    yield lambda: c.view().ticket == "A002" and not c.view().busy
    key(F5)
    yield lambda: app.picker is not None and app.picker.parent is not None
    yield "transfer_picker"
    target = next(b for b in app.picker.ids.choices_grid.children if "不动产查询" in b.text)
    touch(target)
    yield lambda: c.view().ticket is None and not c.view().busy and app.picker.parent is None
    yield "transferred"
    key(F6)
    yield lambda: app.picker is not None and app.picker.parent is not None
    target = next(b for b in app.picker.ids.choices_grid.children if "休息" in b.text)
    touch(target)
    yield lambda: c.view().status == "paused" and app.picker.parent is None
    yield "paused"
    log.append(f"paused note: {c.view().note}")
    key(F1)  # refused while paused: the service says window_paused
    yield lambda: c.view().note is not None and c.view().note.code == "window_paused"
    time.sleep(0.7)
    key(F6)
    yield lambda: c.view().status == "open"
    touch(work.ids.signout_button)
    yield lambda: c.view().status == "closed" and app.root.current == "signin"
    yield "signed_out"


def joint_script(app: App, out: str, log: list[str]) -> Iterator[Wait | str]:
    """A summons to a joint review (联审): shown, confirmed with F7, the review under way."""
    c = app.controller
    yield lambda: c.view().online and app.root.current == "work"
    yield lambda: c.view().summons is not None and not c.view().summons.confirmed
    yield "summons"
    key(F7)
    yield lambda: c.view().summons is not None and c.view().summons.status == "called"
    log.append(f"confirm note: {c.view().note}")
    yield "joint_called"


def main() -> None:
    cfg_path, device_id, out = sys.argv[1], sys.argv[2], sys.argv[3]
    scenario = sys.argv[4] if len(sys.argv) > 4 else "day"
    cfg = load_config(cfg_path)
    link, controller = build_counter(cfg, device_id)
    app = make_app(cfg, controller)
    result: dict[str, object] = {"ok": False, "steps": [], "shots": [], "notes": [], "error": ""}
    notes: list[str] = []

    def runner(_dt: float) -> None:
        steps = (joint_script if scenario == "joint" else script)(app, out, notes)
        state = {"deadline": time.monotonic() + 15, "cond": None}

        def step(_dt: float) -> None:
            try:
                cond = state["cond"]
                if cond is not None and not cond():
                    if time.monotonic() > state["deadline"]:
                        raise TimeoutError(
                            f"stuck at step {len(result['steps'])}: {app.controller.view()}"
                        )
                    return
                item = next(steps)
                result["steps"].append(item if isinstance(item, str) else "wait")
                if isinstance(item, str):
                    result["shots"].append(screenshot(os.path.join(out, f"counter_{item}.png")))
                    state["cond"] = None
                else:
                    state["cond"], state["deadline"] = item, time.monotonic() + 15
            except StopIteration:
                result["ok"] = True
                stopTouchApp()
            except Exception as exc:
                result["error"] = f"{exc!r}\n{traceback.format_exc()}"
                stopTouchApp()

        Clock.schedule_interval(step, 0.1)

    Clock.schedule_once(runner, 0.5)
    link.start()
    try:
        app.run()
    finally:
        link.stop()
    result["notes"] = notes + [str(controller.view().note)]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
