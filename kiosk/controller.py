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
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from hallq.client import CommandClient, Offline, Refused, ReplyTimeout
from hallq.config import HallConfig, KioskDevice
from hallq.contract import LeaseOk, ServiceState
from hallq.core.clock import HallClock
from hallq.service_watch import ServiceWatch, service_devices
from hallq.state import StateClient
from hardware.printer import PrinterStatus, PrintResult
from hardware.ticket import TicketPrint

from . import catalog
from .issuing import TicketIssuer
from .offline import LEASE_COUNT, REFILL_BELOW, LeaseBook, OfflineIssues
from .outbox import Commands, PrintOutbox
from .outcome import Outcome, OutcomeKind
from .state import KioskState, Link

log = logging.getLogger(__name__)
PROBE_TIMEOUT_S = 2.0
CONNECT_GRACE_S = 5.0  # "connecting" rather than "offline" while the first connection is made
LEASE_EVERY_S = 60.0  # at most one lease request per minute (the service answers with all)


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
    offline: bool = False  # the service was unreachable at the tap: a leased number


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
        leases: LeaseBook | None = None,
        offline: OfflineIssues | None = None,
    ) -> None:
        self.cfg, self.device = cfg, device
        self.commands, self.printer, self.presence = commands, printer, presence
        self.post, self.spawn, self.clock = post, spawn, clock
        self.outbox = outbox if outbox is not None else PrintOutbox(commands)  # memory only
        self.leases = leases if leases is not None else LeaseBook()
        self.offline = offline if offline is not None else OfflineIssues(commands)
        self.issuer = TicketIssuer(
            cfg, commands, printer, clock, self.outbox, leases=self.leases, offline=self.offline
        )
        layout = cfg.layout()
        self.hall_clock = HallClock(
            layout.timezone, layout.day_start_min, layout.hours, layout.calendar
        )
        self.codes = catalog.service_codes(cfg, device)
        self.prefixes = sorted({cfg.service(c).ticket_prefix for c in self.codes})
        self._leasing = False
        self._leased_at = -LEASE_EVERY_S
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

    def on_service(self, up: bool) -> None:
        """The service's presence (hallq.service_watch): gone = offline at once (offline
        issuing starts without waiting for a tap to time out); back = probe it now."""
        self.post(self._set_link, Link.CONNECTING if up else Link.OFFLINE)
        if up:
            self.post(self.maintain)

    # ------------------------------------------------------------ periodic (main thread)
    def maintain(self) -> None:
        """Re-check the printer, and ask the service for a sign of life while it is not OK."""
        if not self._checking:
            self._checking = True
            self.spawn(self._check_printer)
        self._refresh_offline()
        if self.state.link is Link.OK and (self.outbox.pending or self.offline.pending):
            self.spawn(self._flush)  # the service is back: what it could not take before
        if self.state.link is Link.OK and self._needs_lease():
            self._leasing, self._leased_at = True, time.monotonic()
            self.spawn(self._lease)
        if self.state.link is Link.OK or self._probing:
            return
        if self._mqtt_up:
            self._probing = True
            self.spawn(self._probe)
        elif time.monotonic() - self._started > CONNECT_GRACE_S:
            self._set_link(Link.OFFLINE)  # Mosquitto unreachable: no use sending a probe

    def _flush(self) -> None:
        """Worker thread: send the tickets printed offline (in issue order), then waiting
        print results; each skipped if its flush is running."""
        self.offline.flush(wait=False)
        self.outbox.flush(wait=False)

    # ------------------------------------------------------------ offline issuing
    def business_day(self) -> str:
        """Today's business day by the kiosk's clock and the hall's config."""
        return self.hall_clock.business_day(self.clock().timestamp())

    def _needs_lease(self) -> bool:
        if self._leasing or time.monotonic() - self._leased_at < LEASE_EVERY_S:
            return False
        left = self.leases.counts(self.business_day())
        return any(left.get(prefix, 0) < REFILL_BELOW for prefix in self.prefixes)

    def _lease(self) -> None:
        """Worker thread: top the kiosk's numbers up (after the offline tickets went in)."""
        try:
            self.offline.flush()
            reply = self.commands.send(
                "lease", prefixes=self.prefixes, count=LEASE_COUNT, timeout=PROBE_TIMEOUT_S
            )
            assert isinstance(reply, LeaseOk), reply
            self.leases.update(reply)
        except (Offline, ReplyTimeout, Refused) as exc:
            log.warning("numbers for offline issuing not leased now: %s", exc)
        self.post(self._leased)

    def _leased(self) -> None:
        self._leasing = False
        self._refresh_offline()

    def _refresh_offline(self) -> None:
        """What offline issuing can do now: numbers left, services the calendar closes."""
        now = self.clock().timestamp()
        numbers = self.leases.counts(self.hall_clock.business_day(now))
        closed = {
            code: str(reason)
            for code in self.codes
            if (reason := self.hall_clock.closed_reason(now, code)) is not None
        }
        if (numbers, closed) != (self.state.offline_numbers, self.state.offline_closed):
            self.state.offline_numbers, self.state.offline_closed = numbers, closed
            self.when_changed()

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
        offline = self.state.is_offline_issuing
        cmd_id = CommandClient.new_id()
        self.pending = Pending(service, self.priority, cmd_id, self.appointment, offline=offline)
        return self._start(self.pending)

    def request_matter(self, matter: str) -> bool:
        """One tap on a matter (一件事) = one ticket for all its steps (no appointment: a
        booking is for one service)."""
        if self.is_busy or self.state.blocked is not None:
            return False
        self.pending = Pending("", self.priority, CommandClient.new_id(), None, matter)
        return self._start(self.pending)

    def retry(self) -> bool:
        """Send the last unanswered request again, with the same command id (online: the
        service may have issued it already; a new tap issues offline)."""
        if self.is_busy or self.pending is None:
            return False
        self.pending = replace(self.pending, offline=False)
        return self._start(self.pending)

    def _start(self, p: Pending) -> bool:
        self.is_busy = True
        self.spawn(lambda: self._run(p))
        return True

    def _run(self, p: Pending) -> None:
        if p.offline and (p.matter is not None or p.appointment is not None):
            outcome = Outcome(OutcomeKind.OFFLINE, p.service)  # needs the service to check
        elif p.offline:
            last = self.state.services.get(p.service)
            day = self.business_day()
            outcome = self.issuer.issue_offline(p.service, p.priority, self.lang, day, last)
            self.post(self._refresh_offline)
        elif p.matter is not None:
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
    watch = ServiceWatch(
        service_devices(controller.cfg),
        controller.on_service,
        here=lambda: getattr(link, "via", None),
    )
    watch.follow(state, link)  # presence of the services, and the Mosquittos' bridge

    def connected() -> None:
        controller.on_connected()
        watch.on_connection(True)

    def disconnected() -> None:
        controller.on_disconnected()
        watch.on_connection(False)

    link.when_connected = connected
    link.when_disconnected = disconnected
    return state
