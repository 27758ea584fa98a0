"""The result of a tap: "getting your ticket", then the number (or plainly why there is none)."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.outcome import Outcome, OutcomeKind
from kiosk.state import minutes
from kiosk.texts import in_lang, tr
from kiosk.widgets import qr_texture

from .base import KioskScreen

REFUSAL_KEYS = {"hall_closed", "daily_cap", "service_closed", "unknown_service", "unknown_matter"}


class TicketScreen(KioskScreen):
    idles = False  # the idle timer starts once there is a result to read
    mode = StringProperty("issuing")  # "issuing" or an OutcomeKind value
    title_text = StringProperty("")
    number_text = StringProperty("")
    detail_text = StringProperty("")
    show_retry = BooleanProperty(False)
    qr = ObjectProperty(None, allownone=True)
    outcome = ObjectProperty(None, allownone=True)

    def start(self) -> None:
        self.outcome, self.mode, self.qr = None, "issuing", None
        self.refresh()

    def show(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.mode = outcome.kind.value
        printed = outcome.kind is OutcomeKind.PRINTED
        self.qr = qr_texture(outcome.qr) if printed and outcome.qr else None  # never for a void
        self.refresh()
        self.restart_idle()

    def refresh(self) -> None:
        lang = App.get_running_app().lang
        o = self.outcome
        self.title_text, self.number_text, self.detail_text = texts(o, lang)
        self.show_retry = o is not None and not o.is_final

    def on_pre_leave(self, *a) -> None:
        super().on_pre_leave(*a)
        self.outcome = None


def texts(o: Outcome | None, lang: str) -> tuple[str, str, str]:
    """(title, big number, detail) for an outcome; no number unless it printed."""
    if o is None:
        return tr("issuing", lang), "", ""
    if o.kind is OutcomeKind.PRINTED:
        lines = [tr("ahead", lang, n=o.ahead)]
        m = minutes(o.est_wait_s)
        if m:
            lines.append(tr("wait_min_last" if o.offline else "wait_min", lang, m=m))
        lines.append(tr("take_ticket", lang))
        if o.offline:
            lines.insert(0, tr("offline_ticket", lang))
        if o.matter is not None and o.stages:
            lines.insert(0, matter_line(o, lang))
        return tr("your_number", lang), o.ticket or "", "\n".join(lines)
    if o.kind is OutcomeKind.PRINT_FAILED:
        return tr("print_failed_title", lang), "", tr("print_failed", lang, ticket=o.ticket)
    if o.kind is OutcomeKind.REFUSED:
        return refused(o, lang)
    if o.kind is OutcomeKind.TIMEOUT:
        return tr("timeout_title", lang), "", tr("timeout", lang)
    return tr("offline", lang), "", tr("timeout", lang)


def refused(o: Outcome, lang: str) -> tuple[str, str, str]:
    """No ticket: why, in plain words; a booking code's refusal in the service's own words."""
    if o.code == "booking_invalid":
        return tr("booking_refused_title", lang), "", in_lang(o.message, lang)
    key = o.code if o.code in REFUSAL_KEYS else "other_refusal"
    return tr("refused_title", lang), "", tr(key, lang)


def matter_line(o: Outcome, lang: str) -> str:
    """A case's ticket: the matter, its number of steps and the first one."""
    return tr("matter_first", lang, name=o.matter_name, n=len(o.stages), first=o.stages[0])
