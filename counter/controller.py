"""The counter's behaviour, shared by the keypad and the screen front ends.

The controller turns a key press into one window command and the retained window/service state
into a :class:`CounterView` for the front end to draw. It does no I/O of its own: commands go out
through a ``sender`` (hallq.client.CommandClient in production, a fake in tests) and state comes
in through ``on_window_state`` / ``on_service_state`` / ``on_connection``.

Guards, all decided here so both front ends behave the same:

- offline: a press is refused on the spot and never replayed (the link queues nothing);
- in flight: while one command waits for its reply, any other press is refused ("busy");
- repeat: the same key again within ``repeat_guard_s`` is refused (contact chatter, double tap).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

import msgspec

from hallq.call_reasons import call_reason
from hallq.client import Offline, Refused, ReplyTimeout
from hallq.contract import ErrorReply, OkReply, ServiceState, WindowServices, WindowState
from hallq.core.model import TicketState, Tier, WindowStatus
from hardware.keypad import LedMode

from .messages import Note, note

log = logging.getLogger(__name__)


class Action(StrEnum):
    """What a staff member can ask for; the values are the protocol's op names."""

    SIGN_IN = "open"
    SIGN_OUT = "close"
    CALL_NEXT = "call_next"
    CALL = "call"
    RECALL = "recall"
    START = "start"
    NO_SHOW = "no_show"
    FINISH = "finish"
    HOLD = "hold"
    TRANSFER = "transfer"
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE_PAUSE = "toggle_pause"  # keypad: closed -> open, open -> pause, paused -> resume
    JOINT_CONFIRM = "joint_confirm"  # confirm this window's summons to a joint review (联审)


DONE_NOTES = {
    Action.SIGN_IN: "opened",
    Action.SIGN_OUT: "closed",
    Action.CALL_NEXT: "called",
    Action.CALL: "called",
    Action.RECALL: "recalled",
    Action.START: "started",
    Action.NO_SHOW: "no_show",
    Action.FINISH: "finished",
    Action.HOLD: "held",
    Action.TRANSFER: "transferred",
    Action.PAUSE: "paused",
    Action.RESUME: "resumed",
    Action.JOINT_CONFIRM: "joint_confirmed",
}


class Sender(Protocol):
    def send(self, op: str, *, timeout: float = ..., retries: int = ..., **fields: Any) -> Any: ...


class Result(NamedTuple):
    """What became of one press."""

    ok: bool
    note: Note
    reply: OkReply | ErrorReply | None = None


class CounterView(WindowState, kw_only=True, frozen=True):
    """Everything a front end draws: the window's retained state plus what this terminal knows.

    Rebuilt after every change. ``waiting`` counts all of the window's services,
    ``waiting_primary`` only those it serves as primary.
    """

    online: bool = False
    service_up: bool = True  # the queue service's presence (hallq.service_watch)
    waiting: int = 0
    waiting_primary: int = 0
    busy: bool = False
    note: Note | None = None
    call_reason: str = ""  # why the current ticket was called: "优先: 老年人  Priority: Senior"

    @property
    def led(self) -> LedMode:
        if not self.online or not self.service_up:
            return LedMode.FAST_BLINK
        if self.status != WindowStatus.OPEN:
            return LedMode.OFF
        return LedMode.BLINK if self.ticket_state == TicketState.CALLED else LedMode.STEADY


class CounterController:
    """One window's terminal logic (thread-safe: presses may come from any thread)."""

    def __init__(
        self,
        window: str,
        sender: Sender,
        *,
        clock: Callable[[], float] = time.monotonic,
        repeat_guard_s: float = 0.6,
        timeout_s: float = 3.0,
        priority_names: dict[str, tuple[str, str]] | None = None,
        next_stop: Callable[[str], tuple[str, str]] | None = None,
    ) -> None:
        self.window, self.sender, self.clock = window, sender, clock
        # a case's (一件事) next service -> where to send the citizen, (Chinese, English)
        self.next_stop = next_stop or (lambda code: (code, code))
        self.repeat_guard_s, self.timeout_s = repeat_guard_s, timeout_s
        self.priority_names = priority_names or {}  # class id -> (name, name_en)
        self._reason: tuple[str, str] = ("", "")  # (ticket, words) of this terminal's last call
        self.when_changed: Callable[[CounterView], None] | None = None
        self._state = WindowState(window=window)
        self._tiers: dict[str, Tier] = {}  # what the window serves, and how
        self._services: dict[str, ServiceState] = {}
        self._online = False
        self._was_online = False  # "back online" only after a connection was lost
        self._service_up = True
        self._note: Note | None = None
        self._inflight = threading.Lock()
        self._last_press: dict[Action, float] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ input
    def press(self, action: Action, **fields: Any) -> Result:
        """Send the command for ``action`` and wait for its reply (call off the UI thread)."""
        action = self._resolve(action)
        refusal = self._precheck(action, fields)
        if refusal is not None:
            return self._finish(Result(False, refusal))
        if not self._inflight.acquire(blocking=False):
            return self._finish(Result(False, note("busy")))
        try:
            self._changed()
            return self._finish(self._send(action, fields))
        finally:
            self._inflight.release()
            self._changed()

    def submit(self, action: Action, **fields: Any) -> None:
        """Press without blocking the caller (the result shows up in the view's note)."""
        threading.Thread(target=self.press, args=(action,), kwargs=fields, daemon=True).start()

    def on_window_state(self, _key: str, state: WindowState | None) -> None:
        """A state-client listener for ``state/window/<this window>`` (None: cleared)."""
        if state is not None and state.window == self.window:
            with self._lock:
                self._state = state
                if state.services is not msgspec.UNSET:  # contract v1 carries them here
                    self._tiers = dict(state.services)
            self._changed()

    def on_window_services(self, _key: str, services: WindowServices | None) -> None:
        """A state-client listener for ``state/window_services/<this window>``."""
        if services is not None and services.window == self.window:
            with self._lock:
                self._tiers = dict(services.services)
            self._changed()

    def on_service_state(self, _key: str, state: ServiceState | None) -> None:
        """A state-client listener for the window's services."""
        if state is not None:
            with self._lock:
                self._services[state.service] = state
            self._changed()

    def on_connection(self, online: bool) -> None:
        """Called by the link: offline shows at once; retained state refreshes on reconnect."""
        with self._lock:
            lost = self._was_online and not self._online
            self._online = online
            self._was_online = self._was_online or online
            if not online:
                self._note = note("offline")
            elif lost:
                self._note = note("online")
            elif self._note is not None and self._note.code == "offline":
                self._note = None  # never connected before: nothing to recover from
        self._changed()

    def on_service(self, up: bool) -> None:
        """The queue service's presence (hallq.service_watch): down shows at once, and the
        terminal says when it is back; presses are refused meanwhile, never queued."""
        with self._lock:
            was, self._service_up = self._service_up, up
            if was and not up:
                self._note = note("service_down")
            elif up and not was and self._online:  # not when Mosquitto itself dropped
                self._note = note("service_back")
        self._changed()

    # ------------------------------------------------------------------ output
    def view(self) -> CounterView:
        with self._lock:
            tiers = self._tiers
            return CounterView(
                **{**msgspec.structs.asdict(self._state), "services": tiers},
                online=self._online,
                service_up=self._service_up,
                waiting=self._waiting(tiers),
                waiting_primary=self._waiting(c for c, t in tiers.items() if t == Tier.PRIMARY),
                busy=self._inflight.locked(),
                note=self._note,
                call_reason=self._reason[1] if self._reason[0] == self._state.ticket else "",
            )

    def _waiting(self, codes: Iterable[str]) -> int:
        """How many wait for ``codes`` (services whose state has not arrived count 0)."""
        return sum(self._services[c].waiting for c in codes if c in self._services)

    # ---------------------------------------------------------------- helpers
    def _resolve(self, action: Action) -> Action:
        if action is not Action.TOGGLE_PAUSE:
            return action
        status = self._state.status
        return {WindowStatus.CLOSED: Action.SIGN_IN, WindowStatus.OPEN: Action.PAUSE}.get(
            status, Action.RESUME
        )

    def _precheck(self, action: Action, fields: dict[str, Any]) -> Note | None:
        if not (self._online and self._service_up):
            return note("offline" if not self._online else "service_down")
        refusal = self._check_fields(action, fields)
        if refusal is not None:
            return refusal
        now = self.clock()
        with self._lock:
            last = self._last_press.get(action)
            if last is not None and now - last < self.repeat_guard_s:
                return note("busy")
            self._last_press[action] = now
        return None

    def _check_fields(self, action: Action, fields: dict[str, Any]) -> Note | None:
        """What an action needs from the screen (staff id, a service, a summons)."""
        if action is Action.SIGN_IN and fields.get("staff") is not None:
            fields["staff"] = str(fields["staff"]).strip()
            if not fields["staff"]:
                return note("need_staff")
        if action is Action.TRANSFER and not fields.get("service"):
            return note("need_service")
        if action is Action.JOINT_CONFIRM:
            summons = self._state.summons
            if summons is None or summons.confirmed:
                return note("no_summons")
            fields["review"] = summons.review
        return None

    def _send(self, action: Action, fields: dict[str, Any]) -> Result:
        current = self._state.ticket or ""
        try:
            reply = self.sender.send(str(action), timeout=self.timeout_s, retries=1, **fields)
        except Offline:
            return Result(False, note("offline"))
        except ReplyTimeout:
            return Result(False, note("no_reply"))
        except Refused as exc:
            return Result(False, note(exc.code or "bad_state"), exc.reply)
        ticket = str(getattr(reply, "ticket", None) or fields.get("ticket") or current)
        if action is Action.JOINT_CONFIRM:
            summons = self._state.summons
            zh, en = (summons.room_name, summons.room_name_en) if summons else ("", "")
            code = "joint_called" if getattr(reply, "called", False) else "joint_confirmed"
            return Result(True, note(code, ticket=ticket, room=zh, room_en=en), reply)
        if action in (Action.CALL_NEXT, Action.CALL):
            self._remember_reason(ticket, reply)
        to = getattr(reply, "to", None) if action is Action.FINISH else None
        if to:  # a case moves on: tell the staff where to send the citizen
            zh, en = self.next_stop(to)
            return Result(True, note("finished_next", ticket=ticket, next=zh, next_en=en), reply)
        return Result(True, note(DONE_NOTES[action], ticket=ticket), reply)

    def _remember_reason(self, ticket: str, reply: Any) -> None:
        """The words for why ``ticket`` was called, shown while it is the window's ticket."""
        name = self.priority_names.get(getattr(reply, "priority", None) or "")
        zh, en = call_reason(
            getattr(reply, "reason_code", None), getattr(reply, "priority_rule", None), name
        )
        with self._lock:
            self._reason = (ticket, f"{zh}  {en}" if zh else "")

    def _finish(self, result: Result) -> Result:
        with self._lock:
            self._note = result.note
        if not result.ok:
            log.info("window %s: %s", self.window, result.note.code)
        self._changed()
        return result

    def _changed(self) -> None:
        if self.when_changed is not None:
            self.when_changed(self.view())
