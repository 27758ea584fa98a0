"""Kiosk scenarios against a real Mosquitto and broker service (driver --live)."""

from __future__ import annotations

import time


def live_flow(h):
    """Real Mosquitto + broker: tap through to a ticket; report what was issued and printed."""
    yield h.ready
    h.result["ready_s"] = round(h.elapsed(), 3)
    yield h.tap(h.tiles("home")[0])
    marks: dict[str, float] = {}
    shown = h.c.when_outcome
    h.c.when_outcome = lambda o: (marks.setdefault("outcome", time.perf_counter()), shown(o))
    tile = h.tiles("services")[0]
    # a Kivy handler that returns a true value stops the event: this one returns None
    tile.bind(on_release=lambda *_: marks.update(tap=time.perf_counter()))
    yield h.tap(tile)
    yield h.on_ticket_result
    h.result["tap_to_printed_s"] = round(marks["outcome"] - marks["tap"], 4)
    o = h.screen().outcome
    h.result["ticket"] = o.ticket
    h.result["printed"] = [t.ticket for t in h.printer.tickets]
    h.check("printed", o.kind.value == "printed")
    h.check("number on screen", h.widget("number_label").text == o.ticket)
    yield 0.5  # let print_result reach the service
    yield h.shot("live_ticket_zh")


def live_outage(h):
    """The broker service stops: its last will turns the kiosk offline at once, and it issues
    with its leased numbers (amber banner, 离线取号); when the service is back the offline
    ticket goes in by itself and the next ticket is an online one."""
    yield h.ready
    yield lambda: bool(h.c.state.offline_numbers)  # numbers leased while the service answered
    h.stop_broker()
    yield lambda: "离线取号中" in h.screen().banner_text
    h.check("tiles still enabled", any(t.is_enabled for t in h.tiles("home")))
    yield h.shot("live_service_down_zh")
    yield h.tap(h.tiles("home")[0])
    yield h.entered("services")
    yield h.tap(h.tiles("services")[0])
    yield h.on_ticket_result
    o = h.screen().outcome
    h.check("printed offline", o.kind.value == "printed" and o.offline)
    h.result["offline_ticket"] = o.ticket
    yield h.shot("live_offline_ticket_zh")
    yield h.tap(h.widget("done_button"))
    h.start_broker()
    yield lambda: h.c.state.link.value == "ok" and h.c.offline.pending == []
    h.check("recovered by itself", h.screen().banner_text == "")
    h.check("the offline ticket went in", h.c.offline.pending == [])
    yield h.tap(h.tiles("home")[0])
    yield h.entered("services")
    yield h.tap(h.tiles("services")[0])
    yield h.on_ticket_result
    o = h.screen().outcome
    h.check("online ticket after recovery", o.kind.value == "printed" and not o.offline)
    h.result["ticket"] = o.ticket
    h.result["printed"] = [t.ticket for t in h.printer.tickets]


def live_no_mosquitto(h):
    """Mosquitto unreachable from the start: grey tiles, the plain message, no ticket."""
    yield lambda: bool(h.tiles("home")) and "系统连接中断" in h.screen().banner_text
    h.check("tiles disabled", not any(t.is_enabled for t in h.tiles("home")))
    yield h.tap(h.tiles("home")[0])
    h.check("nothing opens", h.app.root.current == "home")
    h.check("nothing printed", h.printer.tickets == [])
    yield h.shot("live_no_mosquitto_zh")


LIVE_SCENARIOS = {f.__name__: f for f in (live_flow, live_outage, live_no_mosquitto)}
