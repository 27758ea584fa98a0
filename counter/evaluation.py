"""The citizen's evaluator (好差评): ask for one rating per finished ticket, bound to it.

The evaluator watches its window's retained state. When the ticket that was at the window leaves
it *and* the window's ``served_today`` went up, that ticket was finished (a no-show, hold or
transfer does not count up), so the evaluator asks for a rating of exactly that ticket — a case
(一件事) only at its last visit (``rate_on_finish``), the one rating the service accepts. A score
goes out as ``evaluate {ticket, score}`` from the evaluator's own device id; the staff terminal
has no way to send one (and the service refuses it from a counter). No answer before the timeout
is recorded here as "not rated" (the service keeps no record of it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import NamedTuple

from hallq.client import Offline, Refused, ReplyTimeout
from hallq.contract import WindowState

from .controller import Sender

log = logging.getLogger(__name__)
SCORES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
SCORES_EN = {
    5: "Very satisfied",
    4: "Satisfied",
    3: "Fair",
    2: "Unsatisfied",
    1: "Very unsatisfied",
}


class Outcome(StrEnum):
    """How asking for one ticket's rating ended."""

    RATED = "rated"
    NOT_RATED = "not_rated"  # timed out, or the next citizen's ticket finished first
    REFUSED = "refused"  # the service said no (e.g. already rated)
    NOT_SENT = "not_sent"  # offline or no reply: the score could not be delivered


class Record(NamedTuple):
    ticket: str
    outcome: Outcome
    score: int | None = None


class EvaluationController:
    """One evaluator's logic; thread-safe (state from paho, presses from buttons, ticks)."""

    def __init__(
        self,
        window: str,
        sender: Sender,
        *,
        timeout_s: float = 30.0,
        thanks_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window, self.sender, self.timeout_s, self.clock = window, sender, timeout_s, clock
        self.thanks_s = thanks_s  # how long the thank-you stays before the idle welcome
        self.when_ask: Callable[[str], None] | None = None
        self.when_done: Callable[[Record], None] | None = None
        self.when_idle: Callable[[], None] | None = None  # the thank-you is over
        self._thanks_until: float | None = None
        self.records: list[Record] = []
        self._last: WindowState | None = None
        self._asking: tuple[str, float] | None = None
        self._lock = threading.Lock()

    @property
    def asking(self) -> str | None:
        """The ticket whose rating is wanted now, or None."""
        with self._lock:
            return self._asking[0] if self._asking else None

    def on_connection(self, online: bool) -> None:
        if not online:
            with self._lock:
                self._last = None  # the first state after reconnect is a new baseline

    def on_window_state(self, _key: str, state: WindowState | None) -> None:
        """A state-client listener for ``state/window/<this window>`` (None: cleared)."""
        if state is None or state.window != self.window:
            return
        with self._lock:
            last, self._last = self._last, state
        finished = _finished_ticket(last, state)
        if finished is not None:
            self._ask(finished)

    def rate(self, score: int) -> Record | None:
        """A button was pressed: send the score for the ticket asked about (once)."""
        if not 1 <= score <= 5:
            raise ValueError(f"score {score} is not 1..5")
        with self._lock:
            asking, self._asking = self._asking, None
        if asking is None:
            return None  # nobody was asked: a stray or repeated press
        ticket = asking[0]
        try:
            self.sender.send("evaluate", ticket=ticket, score=score, timeout=3.0, retries=1)
        except Refused as exc:
            return self._done(Record(ticket, Outcome.REFUSED, score), exc.code)
        except (Offline, ReplyTimeout) as exc:
            return self._done(Record(ticket, Outcome.NOT_SENT, score), type(exc).__name__)
        return self._done(Record(ticket, Outcome.RATED, score))

    def tick(self) -> Record | None:
        """Expire the question after the timeout, and the thank-you after ``thanks_s``; call
        about once a second."""
        self._end_thanks()
        with self._lock:
            asking = self._asking
            if asking is None or self.clock() < asking[1]:
                return None
            self._asking = None
        return self._done(Record(asking[0], Outcome.NOT_RATED))

    def _end_thanks(self) -> None:
        with self._lock:
            until = self._thanks_until
            if until is None or self.clock() < until or self._asking is not None:
                return
            self._thanks_until = None
        if self.when_idle is not None:
            self.when_idle()

    def _ask(self, ticket: str) -> None:
        with self._lock:
            previous, self._asking = self._asking, (ticket, self.clock() + self.timeout_s)
            self._thanks_until = None
        if previous is not None:
            self._done(Record(previous[0], Outcome.NOT_RATED))
        log.info("window %s: asking for a rating of %s", self.window, ticket)
        if self.when_ask is not None:
            self.when_ask(ticket)

    def _done(self, record: Record, why: str = "") -> Record:
        with self._lock:
            if self._asking is None:
                self._thanks_until = self.clock() + self.thanks_s
        self.records.append(record)
        log.info("rating of %s: %s %s", record.ticket, record.outcome, why)
        if self.when_done is not None:
            self.when_done(record)
        return record


def _finished_ticket(last: WindowState | None, now: WindowState) -> str | None:
    """The ticket that was finished between two states of one window, if any."""
    if last is None or last.ticket is None or now.ticket == last.ticket:
        return None
    if not last.rate_on_finish:  # a case (一件事) moving on: rated once, at its last visit
        return None
    return last.ticket if now.served_today > last.served_today else None
