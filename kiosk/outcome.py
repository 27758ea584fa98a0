"""What came of one ticket request: shown on the ticket screen, exactly one kind each time."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hardware.printer import PrinterStatus


class OutcomeKind(enum.Enum):
    PRINTED = "printed"  # the service issued it and the printer took it
    PRINT_FAILED = "print_failed"  # issued, not printed: the service cancels it, we say so
    REFUSED = "refused"  # the service said no (closed, daily cap, ...): no ticket
    OFFLINE = "offline"  # not connected: nothing sent, no ticket
    TIMEOUT = "timeout"  # sent, no answer: retry reuses the command id


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    service: str
    ticket: str | None = None
    ahead: int = 0
    est_wait_s: float | None = None
    qr: str | None = None
    code: str = ""  # the service's error code when REFUSED
    message: str = ""  # the service's own words when REFUSED ("中文 / English")
    printer: PrinterStatus | None = None
    matter: str | None = None  # a case (一件事): its matter, and names in the kiosk's language
    matter_name: str = ""
    stages: tuple[str, ...] = ()  # the names of its steps, in order
    offline: bool = False  # printed with a leased number while the service was unreachable

    @property
    def is_final(self) -> bool:
        """False when a retry with the same command id makes sense."""
        return self.kind not in (OutcomeKind.OFFLINE, OutcomeKind.TIMEOUT)
