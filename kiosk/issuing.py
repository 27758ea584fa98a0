"""One ticket request, start to end: ask the service, print, and tell the service how it went.

The print result goes through the kiosk's :class:`~kiosk.outbox.PrintOutbox`, so a result the
service cannot take right now is kept (on disk) and delivered later, never dropped.

Runs in a worker thread (it blocks on the network and the printer); returns an Outcome and
never raises for a failure the citizen must be told about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from hallq.client import Offline, Refused, ReplyTimeout
from hallq.config import HallConfig
from hallq.contract import IssueOk, ServiceState
from hardware.printer import PrinterStatus
from hardware.ticket import TicketPrint

from . import catalog
from .offline import LeaseBook, OfflineIssues
from .outbox import Commands, PrintOutbox
from .outcome import Outcome, OutcomeKind
from .texts import pick

log = logging.getLogger(__name__)
ISSUE_TIMEOUT_S = 4.0  # per try; one resend with the same command id


class TicketIssuer:
    """``issue`` (print-confirmed) + print + ``print_result``, with the kiosk's printer."""

    def __init__(
        self,
        cfg: HallConfig,
        commands: Commands,
        printer: Any,
        clock: Callable[[], datetime],
        outbox: PrintOutbox | None = None,
        *,
        leases: LeaseBook | None = None,
        offline: OfflineIssues | None = None,
    ) -> None:
        self.cfg, self.commands, self.printer, self.clock = cfg, commands, printer, clock
        self.outbox = outbox if outbox is not None else PrintOutbox(commands)
        self.leases = leases if leases is not None else LeaseBook()  # memory only
        self.offline = offline if offline is not None else OfflineIssues(commands)

    def issue(
        self,
        service: str,
        priority: str | None,
        cmd_id: str,
        lang: str,
        appointment: str | None = None,
    ) -> Outcome:
        extra = {"appointment": appointment} if appointment else {}
        try:
            reply = self.commands.send(
                "issue",
                service=service,
                priority=priority,
                confirm=True,
                cmd_id=cmd_id,
                timeout=ISSUE_TIMEOUT_S,
                retries=1,
                **extra,
            )
        except Offline:
            return Outcome(OutcomeKind.OFFLINE, service)
        except ReplyTimeout:
            return Outcome(OutcomeKind.TIMEOUT, service)
        except Refused as exc:
            return Outcome(OutcomeKind.REFUSED, service, code=exc.code, message=exc.reply.message)
        assert isinstance(reply, IssueOk), reply
        return self._print(service, reply, lang)

    def issue_matter(self, matter: str, priority: str | None, cmd_id: str, lang: str) -> Outcome:
        """A case (一件事): ``issue`` with ``matter``; the ticket names the matter and steps."""
        try:
            reply = self.commands.send(
                "issue",
                matter=matter,
                priority=priority,
                confirm=True,
                cmd_id=cmd_id,
                timeout=ISSUE_TIMEOUT_S,
                retries=1,
            )
        except Offline:
            return Outcome(OutcomeKind.OFFLINE, "", matter=matter)
        except ReplyTimeout:
            return Outcome(OutcomeKind.TIMEOUT, "", matter=matter)
        except Refused as exc:
            return Outcome(OutcomeKind.REFUSED, "", code=exc.code, matter=matter)
        assert isinstance(reply, IssueOk), reply
        spec = next(m for m in self.cfg.matters if m.id == matter)
        name = pick(spec.name, spec.name_en, lang)
        stages = catalog.matter_stage_names(self.cfg, matter, lang)
        outcome = self._print(reply.service, reply, lang, matter=(name, stages))
        return replace(outcome, matter=matter, matter_name=name, stages=stages)

    def issue_offline(
        self,
        service: str,
        priority: str | None,
        lang: str,
        day: str,
        last: ServiceState | None,
    ) -> Outcome:
        """The service is unreachable: print the next leased number of the service's prefix
        with the "离线取号" mark and the wait last known, and keep the issue in the offline
        outbox (on disk) until the service takes it. The number is marked used on disk
        before it prints, so it never prints twice; one that fails to print stays unused
        for good (void, like any failed print)."""
        number = self.leases.take(self.cfg.service(service).ticket_prefix, day)
        if number is None:
            return Outcome(OutcomeKind.OFFLINE, service)  # no leased number left for today
        at = self.clock()
        mine = sum(1 for i in self.offline.pending if i.service == service)
        ahead = (last.waiting if last is not None else 0) + mine
        est = None if last is None else last.est_wait_s
        printed = self._print_number(service, number, ahead, est, lang=lang, offline=True)
        outcome = replace(printed, offline=True)
        if outcome.kind is OutcomeKind.PRINTED:
            self.offline.add_issue(number, service, at.timestamp(), day, priority)
        else:
            log.warning("offline ticket %s did not print: the number stays unused", number)
        return outcome

    def report(self, outcome: Outcome) -> None:
        """Tell the service whether the issued ticket printed (ok=false cancels it).

        The result is kept in the outbox first and sent with every result still waiting
        before it; what cannot be delivered now goes out on the next flush."""
        if outcome.ticket is None or outcome.offline:
            return  # an offline ticket is reported by the offline outbox (printed ones only)
        ok = outcome.kind is OutcomeKind.PRINTED
        self.outbox.add(outcome.ticket, ok, "" if ok else outcome.code)
        self.outbox.flush()

    def _print(
        self,
        service: str,
        reply: IssueOk,
        lang: str,
        matter: tuple[str, tuple[str, ...]] | None = None,
    ) -> Outcome:
        return self._print_number(
            service, reply.ticket, reply.ahead, reply.est_wait_s, lang=lang, matter=matter
        )

    def _print_number(
        self,
        service: str,
        ticket: str,
        ahead: int,
        est: float | None,
        *,
        lang: str,
        matter: tuple[str, tuple[str, ...]] | None = None,
        offline: bool = False,
    ) -> Outcome:
        qr = self.qr(ticket)
        t = self.ticket_print(service, ticket, ahead, est, qr, lang=lang)
        if matter is not None:  # the matter's name and steps; no "过号请重新取号" footer
            t = replace(t, service_name=matter[0], stages=matter[1], footer=None)
        if offline:
            t = replace(t, offline=True)
        try:
            result = self.printer.print_ticket(t)
            ok, status, reason = result.ok, result.status, result.outcome.value
        except Exception as exc:  # the citizen must be told, whatever the driver did
            log.exception("printing %s failed", ticket)
            ok, status, reason = False, PrinterStatus.OFFLINE, f"error: {type(exc).__name__}"
        kind = OutcomeKind.PRINTED if ok else OutcomeKind.PRINT_FAILED
        return Outcome(
            kind,
            service,
            ticket=ticket,
            ahead=ahead,
            est_wait_s=est,
            qr=qr,
            code="" if ok else reason,
            printer=status,
        )

    def ticket_print(
        self, service: str, ticket: str, ahead: int, est: Any, qr: str | None, *, lang: str
    ) -> TicketPrint:
        spec = self.cfg.service(service)
        hall = self.cfg.hall
        return TicketPrint(
            hall_name=pick(hall.name, hall.name_en, lang),
            service_name=pick(spec.name, spec.name_en, lang),
            ticket=ticket,
            ahead=ahead,
            est_wait_min=None if est is None else max(0, round(float(est) / 60)),
            issued_at=self.clock(),
            qr_data=qr,
            footer=hall.ticket_footer or None,
            lang="en" if lang == "en" else "zh",
        )

    def qr(self, ticket: str) -> str | None:
        """The ticket's QR content: ``hall.ticket_qr`` with {hall} and {ticket} filled in."""
        template = self.cfg.hall.ticket_qr
        if not template:
            return None
        return template.replace("{hall}", self.cfg.hall.id).replace("{ticket}", ticket)
