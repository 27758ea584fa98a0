"""The kiosk's behaviour: live service state, printer watch, and the print-confirmed issue flow.

No Kivy here. Blocking work (a command round trip, a printer status query, a print) runs through
``spawn`` (a worker thread in the app, inline in unit tests); every change of :class:`KioskState`
is handed back through ``post`` (``Clock.schedule_once`` in the app), so only the main thread
touches state and widgets. Print results wait in a :class:`PrintOutbox` until the service takes
them; it is flushed after each result, on every (re)connect, and while the service answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from hallq.client import CommandClient, Offline, Refused, ReplyTimeout
from hallq.config import HallConfig, KioskDevice
from hallq.contract import ServiceState
from hallq.state import StateClient
from hardware.printer import PrinterStatus, PrintResult
from hardware.ticket import TicketPrint

from . import catalog
from .issuing import TicketIssuer
from .outbox import Commands, PrintOutbox
from .outcome import Outcome, OutcomeKind
from .state import KioskState, Link

log = logging.getLogger(__name__)
PROBE_TIMEOUT_S = 2.0
CONNECT_GRACE_S = 5.0  # "connecting" rather than "offline" while the first connection is made


class Presence(Protocol):
    def set_presence(self, **fields: Any) -> None: ...


class Printer(Protocol):
    def status(self) -> PrinterStatus: ...
    def print_ticket(self, t: TicketPrint) -> PrintResult: ...


@dataclass(frozen=True)
class Pending:
    """A ticket request; a retry sends the same command id so the service issues it once."""

    service: str
    priority: str | None
    cmd_id: str
    appointment: str | None = None
    matter: str | None = None  # a case (一件事) for this matter, in place of the service


def _thread(fn: Callable[[], None]) -> None:
    threading.Thread(target=fn, daemon=True).start()


def _now(fn: Callable[..., None], *args: Any) -> None:
    fn(*args)


class KioskController:
    """Holds the kiosk's state and runs its commands; the screens only render and forward taps."""

    def __init__(
        self,
        cfg: HallConfig,
        device: KioskDevice,
        commands: Commands,
        printer: Printer,
        presence: Presence,
        *,
        post: Callable[..., None] = _now,
        spawn: Callable[[Callable[[], None]], None] = _thread,
        clock: Callable[[], datetime] = datetime.now,
        outbox: PrintOutbox | None = None,
    ) -> None:
        self.cfg, self.device = cfg, device
        self.commands, self.printer, self.presence = commands, printer, presence
        self.post, self.spawn = post, spawn
        self.outbox = outbox if outbox is not None else PrintOutbox(commands)  # memory only
        self.issuer = TicketIssuer(cfg, commands, printer, clock, self.outbox)
        self.state = KioskState(printer_can_read=_can_read(printer))
        self.lang = device.lang
        self.priority: str | None = None
        self.appointment: str | None = None
        self.pending: Pending | None = None
        self.is_busy = False
        self._probing = self._checking = False
        self._started = time.monotonic()
        self._mqtt_up = False
        self._reported: PrinterStatus | None = None
        self.when_changed: Callable[[], None] = lambda: None
        self.when_outcome: Callable[[Outcome], None] = lambda o: None

    # ------------------------------------------------------------ inbound (any thread)
    def on_service_state(self, code: str, st: ServiceState | None) -> None:
        """A retained service state, decoded by the state client (None: it was cleared)."""
        self.post(self._store_service, code, st)

    def on_connected(self) -> None:
        self._mqtt_up = True
        self.post(self._set_link, Link.CONNECTING)
        self.post(self.maintain)
        self.spawn(self._flush)  # print results left over from the outage or a restart

    def on_disconnected(self) -> None:
        self._mqtt_up = False
        self.post(self._set_link, Link.OFFLINE)

    # ------------------------------------------------------------ periodic (main thread)
    def maintain(self) -> None:
        """Re-check the printer, and ask the service for a sign of life while it is not OK."""
        if not self._checking:
            self._checking = True
            self.spawn(self._check_printer)
        if self.state.link is Link.OK and self.outbox.pending:
            self.spawn(self._flush)  # the service is back: what it could not take before
        if self.state.link is Link.OK or self._probing:
            return
        if self._mqtt_up:
            self._probing = True
            self.spawn(self._probe)
        elif time.monotonic() - self._started > CONNECT_GRACE_S:
            self._set_link(Link.OFFLINE)  # Mosquitto unreachable: no use sending a probe

    def _flush(self) -> None:
        """Worker thread: send waiting print results; skipped if a flush is running."""
        self.outbox.flush(wait=False)

    def _check_printer(self) -> None:
        try:
            if not getattr(self.printer, "is_open", True):
                self.printer.open()  # type: ignore[attr-defined]  # a printer plugged in late
            status = self.printer.status()
        except Exception:  # a broken driver must not stop the kiosk; it shows as offline
            log.exception("printer status failed")
            status = PrinterStatus.OFFLINE
        self._report_printer(status)
        self.post(self._set_printer, status, "_checking")

    def _report_printer(self, status: PrinterStatus) -> None:
        """Presence ``printer`` field, published when it changes (the link re-sends it)."""
        if status is not self._reported:
            self._reported = status
            self.presence.set_presence(printer=status)

    def _probe(self) -> None:
        try:
            self.commands.send("status", timeout=PROBE_TIMEOUT_S, retries=0)
            link = Link.OK
        except Refused:
            link = Link.OK  # it answered: the service is alive
        except Offline:
            starting = time.monotonic() - self._started < CONNECT_GRACE_S
            link = Link.CONNECTING if starting else Link.OFFLINE
        except ReplyTimeout:
            link = Link.OFFLINE
        self.post(self._probed, link)

    def _probed(self, link: Link) -> None:
        self._probing = False
        self._set_link(link)

    # ------------------------------------------------------------ session (main thread)
    def choose_priority(self, class_id: str | None) -> None:
        self.priority, self.appointment = class_id, None
        self.when_changed()

    def check_in(self, code: str) -> None:
        """An appointment code: the next ticket goes out with priority "appointment" and
        the code in the ``issue`` op's ``appointment`` field."""
        self.priority, self.appointment = "appointment", code
        self.when_changed()

    def reset_session(self) -> None:
        self.priority = self.appointment = None
        self.when_changed()

    def request_ticket(self, service: str) -> bool:
        """One tap = one ticket: refused while a request runs or while tickets cannot print."""
        if self.is_busy or self.state.blocked is not None:
            return False
        self.pending = Pending(service, self.priority, CommandClient.new_id(), self.appointment)
        return self._start(self.pending)

    def request_matter(self, matter: str) -> bool:
        """One tap on a matter (一件事) = one ticket for all its steps (no appointment: a
        booking is for one service)."""
        if self.is_busy or self.state.blocked is not None:
            return False
        self.pending = Pending("", self.priority, CommandClient.new_id(), None, matter)
        return self._start(self.pending)

    def retry(self) -> bool:
        """Send the last unanswered request again, with the same command id."""
        if self.is_busy or self.pending is None:
            return False
        return self._start(self.pending)

    def _start(self, p: Pending) -> bool:
        self.is_busy = True
        self.spawn(lambda: self._run(p))
        return True

    def _run(self, p: Pending) -> None:
        if p.matter is not None:
            outcome = self.issuer.issue_matter(p.matter, p.priority, p.cmd_id, self.lang)
        else:
            outcome = self.issuer.issue(p.service, p.priority, p.cmd_id, self.lang, p.appointment)
        if outcome.printer is not None:
            self._report_printer(outcome.printer)
        self.post(self._finished, outcome)  # the citizen learns first, the service right after
        self.issuer.report(outcome)

    def _finished(self, outcome: Outcome) -> None:
        self.is_busy = False
        if outcome.is_final:
            self.pending = None
            self.priority = self.appointment = None
        if outcome.kind is OutcomeKind.OFFLINE or outcome.kind is OutcomeKind.TIMEOUT:
            self._set_link(Link.OFFLINE)
        if outcome.printer is not None:
            self._set_printer(outcome.printer)
        self.when_outcome(outcome)

    # ------------------------------------------------------------ state changes (main thread)
    def _store_service(self, code: str, st: ServiceState | None) -> None:
        if st is None:
            self.state.services.pop(code, None)
        else:
            self.state.services[code] = st
        self.when_changed()

    def _set_link(self, link: Link) -> None:
        if self.state.link is not link:
            self.state.link = link
            self.when_changed()

    def _set_printer(self, status: PrinterStatus, flag: str = "") -> None:
        if flag:
            setattr(self, flag, False)
        if self.state.printer is not status:
            self.state.printer = status
            self.when_changed()


def _can_read(printer: Any) -> bool:
    transport = getattr(printer, "transport", None)
    return bool(getattr(transport, "can_read", True))


def wire_link(link: Any, controller: KioskController) -> StateClient:
    """Follow the retained state of the services this kiosk offers, and the connection
    (no Kivy needed)."""
    state = StateClient(link)
    device = controller.device
    codes = catalog.service_codes(controller.cfg, device) if device.departments else None
    state.follow_services(codes).listen(controller.on_service_state)
    link.when_connected = controller.on_connected
    link.when_disconnected = controller.on_disconnected
    return state
