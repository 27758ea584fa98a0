"""The kiosk UI scenarios (see kiosk_scenarios.py for the harness)."""

from __future__ import annotations

from halls import booking_code
from kivy.core.window import Window

from hardware.printer import PrinterStatus


def zh_flow(h):
    """Home -> department -> service -> printed ticket; a double tap still makes one ticket."""
    yield h.ready
    h.result["ready_s"] = round(h.elapsed(), 3)
    yield h.shot("home_zh")
    yield h.tap(h.tiles("home")[0])
    h.check("services screen opened", h.app.root.current == "services")
    yield h.shot("services_zh")
    tile = h.tiles("services")[0]
    h.tap(tile)
    yield h.tap(tile)  # a second tap right after the first
    yield h.on_ticket_result
    yield 0.1
    yield h.shot("ticket_zh")
    issues = h.issues()
    o = h.screen().outcome
    h.check("exactly one issue command for a double tap", len(issues) == 1)
    h.check("printed outcome", o.kind.value == "printed")
    h.check("printer got the issued number", [t.ticket for t in h.printer.tickets] == [o.ticket])
    h.check("number on screen", h.widget("number_label").text == o.ticket)
    h.check("QR shown", h.screen().qr is not None)
    yield lambda: any(s["op"] == "print_result" for s in h.service.sent())
    results = [s for s in h.service.sent() if s["op"] == "print_result"]
    h.check("print_result ok sent", results and results[-1]["ok"] is True)
    h.result["ticket"] = o.ticket
    yield h.tap(h.widget("done_button"))
    h.check("done returns home", h.app.root.current == "home")


def en_large(h):
    """English with one tap, large text, the priority lane through to a ticket."""
    yield h.ready
    yield h.tap(h.header("lang_button"))
    h.check("english", h.app.lang == "en")
    yield h.shot("home_en")
    yield h.tap(h.header("large_button"))
    h.check("large text", h.app.large)
    yield 0.1
    yield h.shot("home_en_large")
    yield h.tap(h.widget("priority_button"))
    yield h.shot("priority_en_large")
    yield h.tap(h.tiles_of("classes_grid")[0])
    h.check("priority chosen", h.c.priority == "elderly")
    yield h.shot("home_priority_en_large")
    yield h.tap(h.tiles("home")[1])
    yield h.shot("services_en_large")
    yield h.tap(h.tiles("services")[0])
    yield h.on_ticket_result
    yield 0.1
    yield h.shot("ticket_en_large")
    h.check("issued with priority", h.issues()[-1]["priority"] == "elderly")
    h.check("english ticket printed", h.printer.tickets[-1].lang == "en")
    yield h.tap(h.header("lang_button"))
    yield h.shot("ticket_zh_large")


def appointment(h):
    """Booking codes (issue 13) at the kiosk: a short code is refused on the spot, a forged one
    by the service with its reason and no ticket; the booked one, typed on the keypad (digits
    and its letter page), checks in and prints an appointment ticket for its service."""
    good = booking_code(h.cfg, "rs01")
    forged = good[:-1] + ("1" if good[-1] == "0" else "0")  # its signature no longer fits
    yield h.ready
    yield h.tap(h.widget("appointment_button"))
    for key in ("1", "2"):
        yield h.tap(h.key(key))
    yield h.tap(h.widget("ok_button"))
    h.check("short code refused with a message", "16" in h.screen().error_text)
    yield h.shot("appointment_error_zh")
    yield h.tap(h.widget("clear_button"))
    yield from wedge(h, forged)  # a keyboard-wedge scanner types it and presses Enter
    yield lambda: h.c.appointment == forged
    yield from choose(h, "rs", "rs01")
    yield h.on_ticket_result
    refused = h.screen().outcome
    h.check("forged code refused", refused.kind.value == "refused")
    h.check("with the service's reason", "预约码无效" in h.widget("detail_label").text)
    h.check("nothing issued or printed", refused.ticket is None and h.printer.tickets == [])
    yield h.shot("ticket_booking_refused_zh")
    yield h.tap(h.header("lang_button"))
    h.check("the reason in English too", "not valid" in h.widget("detail_label").text)
    yield h.shot("ticket_booking_refused_en")
    yield h.tap(h.header("lang_button"))
    yield h.tap(h.widget("done_button"))
    h.check("the check-in is gone with the refusal", h.c.appointment is None)
    yield h.tap(h.widget("appointment_button"))
    yield from keypad(h, good)
    if not h.screen().letters:
        yield h.tap(h.key("ABC"))
    yield h.shot("appointment_zh")  # 16 characters, in fours; the letter page
    h.check("code shown whole", fits(h.widget("code_label")))
    yield h.tap(h.widget("ok_button"))
    h.check("checked in", h.c.appointment == good and h.c.priority == "appointment")
    yield h.shot("home_appointment_zh")
    yield h.tap(tile(h, "home", "rs"))
    yield h.tap(h.header("lang_button"))
    yield h.tap(h.header("large_button"))
    yield 0.1
    yield h.shot("services_appointment_en_large")
    h.check("session line fits on screen", fits(h.widget("session_label")))
    yield h.tap(tile(h, "services", "rs01"))
    yield h.on_ticket_result
    h.check("issued as appointment", h.issues()[-1]["priority"] == "appointment")
    h.check("printed", h.screen().outcome.kind.value == "printed")
    ticket = h.service.engine.tickets[h.screen().outcome.ticket]
    h.check("the ticket keeps its booking code", ticket.appointment == good)


def keypad(h, code: str):
    """Type ``code`` on the check-in keypad, turning to the letter page and back as needed."""
    for ch in code:
        if ch.isdigit() == h.screen().letters:
            yield h.tap(h.key("123" if ch.isdigit() else "ABC"))
        yield h.tap(h.key(ch))


def wedge(h, code: str):
    """A keyboard-wedge scanner: the characters as text input, then Enter."""
    yield h.entered("appointment")  # it listens to the keyboard from on_enter
    for ch in code:
        Window.dispatch("on_textinput", ch)
    yield 0.1
    Window.dispatch("on_key_down", 13, 0, "", [])


def tile(h, screen: str, key: str):
    """The tile for department or service ``key`` on ``screen``."""
    return next(w for w in h.tiles(screen) if w.key == key)


def choose(h, department: str, service: str):
    yield h.tap(tile(h, "home", department))
    yield h.tap(tile(h, "services", service))


def fits(label) -> bool:
    """The label's rendered text is neither wider nor taller than the label (nothing cut off)."""
    w, h = label.texture_size
    return label.text != "" and w <= label.width and h <= label.height


def offline(h):
    """Mosquitto gone: the kiosk issues with its leased numbers (amber banner, 离线取号 on the
    ticket screen and paper); back online the ticket joins its queue by itself."""
    yield h.ready
    yield lambda: bool(h.c.state.offline_numbers)  # numbers leased while the service answered
    h.link.go_offline()  # Mosquitto gone
    yield lambda: "离线取号中" in h.screen().banner_text
    h.check("banner says tickets are still issued", "离线取号中" in h.screen().banner_text)
    h.check("tiles still enabled", any(t.is_enabled for t in h.tiles("home")))
    yield h.shot("home_offline_zh")
    yield h.tap(h.header("lang_button"))
    yield h.shot("home_offline_en")
    yield h.tap(h.header("lang_button"))
    yield h.tap(h.tiles("home")[0])
    yield h.tap(h.tiles("services")[0])
    yield h.on_ticket_result
    o = h.screen().outcome
    h.check("printed offline", o.kind.value == "printed" and o.offline)
    h.check("the screen says so", "离线取号" in h.screen().detail_text)
    h.check("nothing sent while offline", h.issues() == [])
    yield h.shot("ticket_offline_zh")
    h.link.go_online()
    yield lambda: h.c.state.link.value == "ok" and h.c.offline.pending == []
    h.check("the ticket joined its queue", o.ticket in h.service.engine.tickets)


def timeout(h):
    """The service does not answer: no number shown; the retry reuses the command id."""
    yield h.ready
    yield h.tap(h.tiles("home")[0])
    h.service.answering = False  # Mosquitto up, the service silent
    yield h.tap(h.tiles("services")[0])
    yield h.on_ticket_result
    yield 0.1
    yield h.shot("ticket_timeout_zh")
    h.check("no number shown", h.widget("number_label").text == "")
    h.check("nothing printed", h.printer.tickets == [])
    h.check("retry offered", h.screen().show_retry)
    h.service.answering = True
    h.service.delay_s = 1.5
    yield h.tap(h.widget("retry_button"))
    yield lambda: h.app.root.current == "ticket" and h.screen().mode == "issuing"
    yield 0.1
    yield h.shot("ticket_issuing_zh")
    h.check("no number while issuing", h.widget("number_label").text == "")
    yield h.on_ticket_result
    ids = [s["id"] for s in h.issues()]
    h.check("retry reused the command id", len(ids) >= 2 and len(set(ids)) == 1)
    h.check("printed after retry", h.screen().outcome.kind.value == "printed")


def paper_out(h):
    """Printer out of paper: told before choosing; presence reports it; tiles disabled."""
    yield h.ready
    h.printer.status_value = PrinterStatus.PAPER_OUT
    h.c.maintain()
    yield lambda: h.c.state.printer is PrinterStatus.PAPER_OUT
    yield lambda: "缺纸" in h.screen().banner_text
    h.check("banner says paper out", "缺纸" in h.screen().banner_text)
    h.check("presence printer=paper_out", h.printer_presence() == "paper_out")
    h.check("tiles disabled", not any(t.is_enabled for t in h.tiles("home")))
    yield h.shot("home_paper_out_zh")
    h.printer.status_value = PrinterStatus.OFFLINE
    h.c.maintain()
    yield lambda: h.c.state.printer is PrinterStatus.OFFLINE
    yield h.tap(h.header("lang_button"))
    yield h.shot("home_printer_offline_en")
    h.check("presence printer=offline", h.printer_presence() == "offline")
    h.printer.status_value = PrinterStatus.PAPER_LOW
    h.c.maintain()
    yield h.ready
    yield 0.1
    yield h.shot("home_paper_low_en")
    h.check("paper low is a warning, tiles still work", h.screen().banner_level == "warning")


def print_failed(h):
    """Issued but not printed: the screen says so plainly, the service is told ok=false."""
    yield h.ready
    yield h.tap(h.tiles("home")[1])
    h.printer.fail_send = True
    yield h.tap(h.tiles("services")[0])
    yield h.on_ticket_result
    yield 0.3
    yield h.shot("ticket_print_failed_zh")
    o = h.screen().outcome
    h.check("print failed outcome", o.kind.value == "print_failed")
    h.check("no big number shown as valid", h.widget("number_label").text == "")
    h.check("void number named", o.ticket in h.widget("detail_label").text)
    results = [s for s in h.service.sent() if s["op"] == "print_result"]
    h.check("print_result ok=false sent", results and results[-1]["ok"] is False)
    yield h.tap(h.header("lang_button"))
    yield h.shot("ticket_print_failed_en")


def closed(h):
    """Closed services greyed with the reason (no window / daily cap)."""
    yield h.ready
    for _ in range(3):
        h.service.command("board", "issue", service="bdc02", confirm=False)
    h.service.close_window("w1")
    h.service.close_window("w3")
    h.service.close_window("w2")
    yield 0.2
    yield h.shot("home_closed_zh")
    tiles = h.tiles("home")
    h.check("departments greyed when no service is open", not any(t.is_enabled for t in tiles))
    h.check("reason shown", all(t.reason for t in tiles))
    h.service.command("counter2", "open")  # w2 opens again
    yield 0.2
    yield h.tap(h.tiles("home")[1])
    yield h.shot("services_closed_zh")
    by_key = {t.key: t for t in h.tiles("services")}
    h.check("daily cap greyed", not by_key["bdc02"].is_enabled and "取完" in by_key["bdc02"].reason)
    h.check("open service still tappable", by_key["bdc01"].is_enabled)
    yield h.tap(h.header("lang_button"))
    yield h.shot("services_closed_en")


def multitouch(h):
    """Two fingers on two tiles at once: one ticket."""
    from kivy.tests.common import UnitTestTouch

    yield h.ready
    yield h.tap(h.tiles("home")[1])
    a, b = h.tiles("services")[:2]
    touches = [UnitTestTouch(*w.to_window(*w.center)) for w in (a, b)]
    for t in touches:
        t.touch_down()
    yield 0.06
    for t in touches:
        t.touch_up()
    yield h.on_ticket_result
    yield lambda: len(h.printer.tickets) >= 1
    yield 0.3  # time for a second ticket, which must not come
    h.check("one issue for two simultaneous touches", len(h.issues()) == 1)
    h.check("one ticket printed", len(h.printer.tickets) == 1)


def idle(h):
    """Idle timeout: back home with language, text size and priority choice reset, also when
    the citizen walks away from the home screen itself."""
    h.app.idle_timeout_s = 1.0
    yield h.ready
    seen: list[str] = []
    h.app.root.bind(current=lambda _sm, name: seen.append(name))
    yield h.tap(h.header("lang_button"))
    yield h.tap(h.widget("priority_button"))
    yield lambda: h.app.root.current == "home"
    h.check("idle returned home from the priority screen", seen == ["priority", "home"])
    h.check("language reset", h.app.lang == "zh")
    yield h.tap(h.header("large_button"))
    yield h.tap(h.header("lang_button"))
    yield h.tap(h.widget("priority_button"))
    yield h.tap(h.tiles_of("classes_grid")[0])
    h.check("priority chosen, back home", h.c.priority and h.app.root.current == "home")
    yield lambda: h.c.priority is None
    h.check("home: priority reset", h.screen().session_text == "")
    h.check("home: language and text size reset", h.app.lang == "zh" and not h.app.large)


def scan(h):
    """A serial scanner read (lower case forgiven), then a keyboard-wedge scanner typing a
    code and Enter: both booked codes check in."""
    first, second = booking_code(h.cfg, "rs01"), booking_code(h.cfg, "rs02", serial=2)
    yield h.ready
    h.scanner.scan(first.lower())
    yield lambda: h.c.appointment == first
    h.check("serial scan checked in", h.c.appointment == first)
    h.check("back on home to choose the service", h.app.root.current == "home")
    h.c.choose_priority(None)
    yield h.tap(h.widget("appointment_button"))
    yield h.entered("appointment")  # it listens to the keyboard from on_enter
    for ch in second:
        Window.dispatch("on_textinput", ch)
    yield 0.1
    yield h.shot("appointment_typed_zh")
    Window.dispatch("on_key_down", 13, 0, "", [])
    yield lambda: h.c.appointment == second
    h.check("wedge scan checked in", h.c.appointment == second)


SCENARIOS = {
    f.__name__: f
    for f in (
        zh_flow,
        en_large,
        appointment,
        offline,
        timeout,
        paper_out,
        print_failed,
        closed,
        multitouch,
        idle,
        scan,
    )
}


def big_hall(h):
    """The example hall: 35 departments; the tiles scroll; screenshots zh and en."""
    yield h.settled  # its opening hours may have the tiles greyed: that is fine here
    yield h.shot("big_home_zh")
    expected = len(h.cfg.matters) + len(h.cfg.departments)  # 一件事 tiles first, then departments
    h.check("one tile per matter and per department", len(h.tiles("home")) == expected)
    yield h.tap(h.header("lang_button"))
    yield h.shot("big_home_en")
    h.app.open_department(h.cfg.departments[0].id)  # a greyed tile (closed hours) takes no tap
    yield 0.3
    yield h.shot("big_services_en")
    h.check("department services listed", len(h.tiles("services")) > 1)


SCENARIOS["big_hall"] = big_hall
