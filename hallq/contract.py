"""Every payload on the wire, defined once (docs/protocol.md is checked against this file).

The service produces these structs from the core's views and every reader decodes with the same
struct, so a field cannot be published under one name and read under another. Readers tolerate
fields they do not know (a newer service may add some: forward compatible); producers always
send every field listed here (existing third-party integrations read them: a recorded day of
payloads in tests/data/wire/ must keep decoding). Commands, which devices send, are strict and
live in hallq/protocol.py next to their decoder; this module holds what the service and the
devices publish.

Adding a field: give it a default, then regenerate docs/protocol.md. Renaming or reshaping
one, or adding a value to an enum typed here (window status, ticket state, tier, printer and
store status), needs a new contract version. Code sets that grow with hallq — error codes and
the routing rules of a call — are plain strings for readers (their known values are listed by
the enums), so an older device keeps working when a newer service sends a new value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from hallq.core.errors import ErrorCode
from hallq.core.model import (
    CallRule,
    JointOutcome,
    JointStatus,
    MatterMode,
    PriorityRule,
    StageRule,
    TicketState,
    Tier,
    WindowStatus,
)

CONTRACT_VERSION = 1


def _values(enum: type[StrEnum]) -> str:
    return f"{enum.__name__}: " + ", ".join(f'"{m.value}"' for m in enum)


# Code fields whose set of values grows with hallq (new error codes, new routing rules) are
# plain strings for readers, so an older device keeps working when a newer service sends a value
# it does not know yet; the values known today are listed by the enum (compare with it).
ErrorCodeText = Annotated[str, msgspec.Meta(description=_values(ErrorCode))]
CallRuleText = Annotated[str, msgspec.Meta(description=_values(CallRule))]
PriorityRuleText = Annotated[str, msgspec.Meta(description=_values(PriorityRule))]
StageRuleText = Annotated[str, msgspec.Meta(description=_values(StageRule))]


class Payload(msgspec.Struct, kw_only=True, frozen=True):
    """Base of every published payload: readers ignore unknown fields."""


# ------------------------------------------------------------------ retained state
class WindowState(Payload, kw_only=True):
    """``state/window/<window>``: who staffs a window and whom it serves now."""

    window: str
    name: str = ""
    name_en: str = ""
    zone: str = ""
    status: WindowStatus = WindowStatus.CLOSED
    staff: str | None = None
    since: float = 0.0
    pause_reason: str = ""
    ticket: str | None = None
    ticket_state: TicketState | None = None
    service: str | None = None
    called_at: float | None = None
    served_today: int = 0
    rating_avg: float | None = None
    rating_count: int = 0
    # v1: the window's services; left out (UNSET) when the hall sets
    # mqtt.window_services_in_state = false — read state/window_services/<w> instead
    services: dict[str, Tier] | msgspec.UnsetType = msgspec.field(default_factory=dict)
    # the ticket at the window is a case (一件事): its matter and the visit it is at
    matter: str | None = None
    matter_name: str = ""
    matter_name_en: str = ""
    step: int = 0  # 第 step 步 / 共 steps 步 (visits, from 1)
    steps: int = 0
    # evaluators ask for a rating when this ticket leaves the window done: false for a case
    # (一件事) at any visit but its last (a case is rated once, at the end)
    rate_on_finish: bool = True
    summons: JointSummons | None = None  # this window is summoned to a joint review (联审)
    agency: bool = False  # the window is an agency desk (帮办代办)
    agent: str | None = None  # the ticket at it is carried by this agent (a staff name)
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class WindowServices(Payload, kw_only=True):
    """``state/window_services/<window>``: the services a window serves and how (retained;
    changes only with ``set_services``)."""

    window: str
    services: dict[str, Tier] = msgspec.field(default_factory=dict)
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


ClosedReason = Literal["hall_closed", "daily_cap", "service_closed"]


class ServiceState(Payload, kw_only=True):
    """``state/service/<code>``: how many wait for one service and whether it takes tickets."""

    service: str
    name: str = ""
    name_en: str = ""
    department: str = ""
    prefix: str = ""
    waiting: int = 0
    priority_waiting: int = 0
    est_wait_s: float | None = None
    oldest_waiting_at: float | None = None
    target_wait_s: int = 0
    windows_open: int = 0
    issued_today: int = 0
    daily_cap: int | None = None
    open: bool = True
    closed_reason: ClosedReason | None = None
    opens_at: float | None = None  # when closed by the calendar or its cap: next opening
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class ReplayFaultInfo(Payload, kw_only=True):
    """A stored event the service skipped at start-up (docs/architecture.md)."""

    seq: int
    kind: str
    error: str


class HallState(Payload, kw_only=True):
    """``state/hall``: the day's totals."""

    hall: str
    day: str = ""
    open: bool = False  # takes tickets now (hours, calendar, a lunch that pauses issuing)
    opens_at: float | None = None  # when closed: the next opening (epoch s)
    issued: int = 0
    waiting: int = 0
    serving: int = 0
    done: int = 0
    no_show: int = 0
    cancelled: int = 0
    held: int = 0
    windows_open: int = 0
    ratings: dict[str, int] = msgspec.field(default_factory=dict)
    priority_ratio: int = 0
    replay_faults: list[ReplayFaultInfo] = msgspec.field(default_factory=list)
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class AdviceNeed(Payload, kw_only=True):
    """One pool of services (in practice a department) and the windows it needs."""

    department: str
    services: list[str]
    arrivals_per_h: float
    mean_service_min: float
    target_wait_min: float
    windows_serving: float
    windows_needed: int | None  # null: more than the model counts (hallq.core.staffing)
    predicted_wait_min: float | None = None


class AdviceMove(Payload, kw_only=True):
    """One suggested move: open a closed window, or let a window help (secondary)."""

    action: Literal["open", "help"]
    window: str
    window_name: str = ""
    services: list[str] = msgspec.field(default_factory=list)
    reason: str = ""


class Advice(Payload, kw_only=True):
    """``state/advice``: staffing advice (Erlang C), refreshed every 30 s."""

    at: float
    needs: list[AdviceNeed] = msgspec.field(default_factory=list)
    moves: list[AdviceMove] = msgspec.field(default_factory=list)
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class CaseVisit(Payload, kw_only=True):
    """One visit of a case: a service of a stage, done / now / next."""

    stage: int
    service: str
    name: str = ""
    name_en: str = ""
    status: Literal["done", "now", "next"] = "next"
    window: str | None = None  # where it was done
    finished_at: float | None = None


class CaseInfo(Payload, kw_only=True):
    """A case (一件事): one ticket number moving through a matter's stages. Ticket numbers,
    services and windows only: nothing about the person."""

    ticket: str
    matter: str
    matter_name: str = ""
    matter_name_en: str = ""
    mode: MatterMode = MatterMode.STEPS
    state: TicketState = TicketState.WAITING
    step: int = 1
    steps: int = 1
    service: str = ""  # the service of its current (or last) visit
    window: str | None = None  # the window serving it now, if any
    issued_at: float = 0.0
    queued_at: float = 0.0
    completed_at: float | None = None
    visits: list[CaseVisit] = msgspec.field(default_factory=list)
    review: str | None = None  # held for a joint review (联审) ...
    room_name: str = ""  # ... in this room
    room_name_en: str = ""
    agent: str | None = None  # carried by an agency desk (帮办代办): the agent called
    desk: str | None = None  # the desk (a window id) ...
    desk_name: str = ""
    desk_name_en: str = ""


class JointSummons(Payload, kw_only=True):
    """A window's summons to a joint review (联审联批): go to the room, confirm."""

    review: str
    ticket: str
    room: str
    room_name: str = ""
    room_name_en: str = ""
    status: JointStatus = JointStatus.SUMMONING
    confirmed: bool = False
    summoned_at: float = 0.0


class JointPartInfo(Payload, kw_only=True):
    """One department at a joint review: the window summoned and its times."""

    department: str
    department_name: str = ""
    department_name_en: str = ""
    window: str
    window_name: str = ""
    staff: str | None = None
    summoned_at: float = 0.0
    confirmed_at: float | None = None  # null: not confirmed yet
    left_at: float | None = None
    time_s: int = 0  # summoned to closed (or to now while open)


class JointInfo(Payload, kw_only=True):
    """A joint review (联审联批): ticket numbers, rooms, departments and windows only."""

    review: str
    ticket: str
    room: str
    room_name: str = ""
    room_name_en: str = ""
    status: JointStatus = JointStatus.SUMMONING
    by: str = ""  # the window or device that opened it
    opened_at: float = 0.0
    called_at: float | None = None  # all confirmed: the citizen called to the room
    closed_at: float | None = None
    outcome: JointOutcome | None = None
    confirm_within_s: int = 300  # policy.joint_confirm_min: later raises a board alert
    parts: list[JointPartInfo] = msgspec.field(default_factory=list)


class JointState(Payload, kw_only=True):
    """``state/joint``: the day's joint reviews, newest first."""

    reviews: list[JointInfo] = msgspec.field(default_factory=list)
    at: float = 0.0
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class CasesState(Payload, kw_only=True):
    """``state/cases``: the cases in progress (not done, not cancelled), oldest first;
    ``visits`` left out (the citizen's page has them)."""

    cases: list[CaseInfo] = msgspec.field(default_factory=list)


# ------------------------------------------------------------------ events
class CalledEvent(Payload, kw_only=True):
    """``event/called``: a ticket called (or recalled) to a window; displays and voice."""

    ticket: str
    window: str
    window_name: str = ""
    window_name_en: str = ""
    zone: str = ""
    service: str = ""
    service_name: str = ""
    service_name_en: str = ""
    recall: bool = False
    calls: int = 1
    at: float = 0.0
    reason: str = ""  # the plain sentence, e.g. "primary rs01, longest wait 5 min"
    reason_code: CallRuleText | None = None  # the rule (null on a recall)
    priority_rule: PriorityRuleText | None = None  # why a priority ticket went ahead, if it did
    wait_s: int | None = None  # how long the ticket waited before this call (null on a recall)
    stage_rule: StageRuleText | None = None  # a continuing case went ahead / a new arrival's turn
    matter: str | None = None  # the ticket is a case (一件事): its matter and visit
    matter_name: str = ""
    matter_name_en: str = ""
    step: int = 0
    steps: int = 0
    review: str | None = None  # a joint review's call: ``window`` is its room (联审室)
    # 帮办代办: the case is carried by an agency desk; call this agent, not the citizen
    agent: str | None = None
    target_wait_s: int = 0  # the service's target wait (region reports: share over target)
    day: str = ""  # the ticket's business day (YYYY-MM-DD)
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones
    priority: str | None = None  # the ticket's priority class (its reason's words; not public)


class FinishedEvent(Payload, kw_only=True):
    """``event/finished``: a ticket left a window (evaluators ask for a rating on "done")."""

    ticket: str
    window: str
    service: str = ""
    at: float = 0.0
    outcome: Literal["done", "no_show"] = "done"
    # a case (一件事) moving on: the service of its next visit and the windows serving it
    to: str | None = None
    to_name: str = ""
    to_name_en: str = ""
    to_windows: list[str] = msgspec.field(default_factory=list)  # window names, e.g. "8号窗口"
    rate: bool = True  # the citizen is asked for a rating: false for a case moving on
    day: str = ""  # the ticket's business day (YYYY-MM-DD)
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class IssuedEvent(Payload, kw_only=True):
    """``event/issued``: a ticket issued (the bridge carries it to the region's reports)."""

    ticket: str
    service: str
    day: str  # the business day (YYYY-MM-DD)
    at: float
    priority: str | None = None
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class RatedEvent(Payload, kw_only=True):
    """``event/rated``: a citizen rated a service at a window (1..5; region reports)."""

    ticket: str
    window: str
    score: int
    day: str = ""
    service: str = ""
    at: float = 0.0
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


class CheckedInEvent(Payload, kw_only=True):
    """``event/checked_in``: a booking code checked in at the kiosk and became a ticket (the
    bridge carries it to the region, which marks the booking used)."""

    code: str
    ticket: str
    service: str = ""
    at: float = 0.0
    epoch: int = 0  # the publishing service's fencing epoch: readers drop older ones


# ------------------------------------------------------------------ region
class BookingStatus(StrEnum):
    """A booking's state at the region."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    USED = "used"


class BookingNotice(Payload, kw_only=True):
    """``hallq/<hall>/region/booking/<code>`` (retained, published by the region, bridged in to
    that hall only): a booking made or cancelled for the hall. The hall refuses a cancelled
    code; a code it has no notice for yet is checked by its signature alone."""

    code: str
    service: str
    day: str  # YYYY-MM-DD, hall time
    start: str  # HH:MM
    minutes: int = 30
    status: BookingStatus = BookingStatus.BOOKED
    by_hall: str = ""  # the hall that booked it (a township)


class BookRequest(Payload, kw_only=True):
    """``hallq/<hall>/ask/book`` (QoS 1, out over the hall's bridge): a counter's ``book``
    relayed by its hall's service to the region. ``id`` is unique per hall (device and
    command id), so a repeat is answered as the first; past ``expires_at`` (the hall's clock)
    the region books nothing: a request a cut held back is never booked late."""

    id: str
    hall: str  # the hall booked into
    service: str
    day: str
    start: str
    by: str = ""  # the device (and staff member) that asked
    expires_at: float = 0.0


class BookAnswer(Payload, kw_only=True):
    """``hallq/<hall>/region/answer`` (QoS 1, in over the bridge): the region's answer to
    one :class:`BookRequest` of that hall; ``ok`` false says why in ``message``."""

    id: str
    ok: bool
    message: str = ""
    code: str = ""  # the booking code (16 characters) when ok
    hall: str = ""
    hall_name: str = ""
    service: str = ""
    service_name: str = ""
    day: str = ""
    start: str = ""
    minutes: int = 0


class RegionHall(Payload, kw_only=True):
    """One hall as the region sees it (``GET /api/halls`` of the region board)."""

    hall: str
    name: str = ""
    level: Literal["county", "township"] = "township"
    reachable: bool = False  # the hall's bridge is connected to the region
    waiting: int = 0
    windows_open: int = 0
    longest_wait_s: float = 0.0
    target_wait_s: int = 0  # the target of the service whose oldest ticket waits longest
    over_target: bool = False
    issued: int = 0
    satisfaction: float | None = None  # today's mean rating, 1..5
    devices_offline: int = 0
    stale_s: float | None = None  # seconds since its data last changed (None: never heard)
    day: str = ""


# ------------------------------------------------------------------ presence
class ServiceMode(StrEnum):
    """What a queue service instance does (``hallq broker`` or ``hallq broker --standby``)."""

    PRIMARY = "primary"  # decides, publishes, answers
    STANDBY = "standby"  # follows the primary's events; acts only once promoted
    FENCED = "fenced"  # an old primary that saw a newer epoch: it no longer acts


class StandbyStatus(Payload, kw_only=True):
    """The primary's view of its standby (on the primary's presence; the board alarms)."""

    device: str
    sync: bool = True
    in_sync: bool = False  # false: replies no longer wait for it (it lagged or vanished)
    acked_seq: int = 0
    shipped_seq: int = 0


class PrinterPresence(StrEnum):
    """A kiosk's printer as its presence reports it (the board shows these values)."""

    OK = "ok"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class StoreStatus(StrEnum):
    """The event store's health, as the service reports it (``store.status``)."""

    OK = "ok"
    DISK_LOW = "disk_low"  # still writable, but space is running out
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"  # the file system is mounted read-only
    UNWRITABLE = "unwritable"  # permission denied or immutable (chattr +i)
    MISSING = "missing"  # the file was deleted or replaced under the running service
    CORRUPT = "corrupt"


class StoreHealth(Payload, kw_only=True):
    """The service's event store, on the service's own presence (the board alarms on it)."""

    status: StoreStatus
    message: str = ""
    free_mb: float | None = None


class Presence(Payload, kw_only=True):
    """``presence/<device>`` (retained): online with what the device reports, or the last
    will ``{"online": false}`` when its connection dropped."""

    online: bool
    since: float | None = None
    device: str | None = None
    printer: PrinterPresence | None = None  # kiosks
    store: StoreHealth | None = None  # the queue service
    mode: ServiceMode | None = None  # the queue service: primary or standby
    epoch: int | None = None  # the queue service's fencing epoch
    standby: StandbyStatus | None = None  # the primary: how its standby keeps up
    # "host:port" of the Mosquitto the device is on, in a hall with two Mosquittos (mqtt.hosts)
    via: str | None = None


# ------------------------------------------------------------------ service instances
class ServiceLock(Payload, kw_only=True):
    """``service/lock`` (retained): the service instance that holds the hall, and its epoch.
    Also the live holder's answer to a :class:`ServiceProbe` (with the probe's nonce)."""

    instance: str
    device: str = ""
    host: str = ""
    pid: int = 0
    epoch: int = 0
    nonce: str = ""


class ServiceProbe(Payload, kw_only=True):
    """``service/probe``: a starting service asks whether a live one holds the hall."""

    instance: str
    nonce: str


ReplEvent = tuple[int, str, float, str, str]  # seq, day, at, kind, data (JSON text)
ReplCommand = tuple[int, str, str, float, str]  # rowid, device, id, at, reply (JSON text)


class ReplBatch(Payload, kw_only=True):
    """``repl/batch``: committed store rows the primary ships to its standby, in order.
    ``after``/``cmds_after`` are the cursors the rows follow; ``to`` names the standby a
    catch-up is meant for ("" = the live stream)."""

    epoch: int
    after: int
    last: int
    cmds_after: int
    cmds_last: int
    events: list[ReplEvent] = msgspec.field(default_factory=list)
    commands: list[ReplCommand] = msgspec.field(default_factory=list)
    to: str = ""


class ReplAck(Payload, kw_only=True):
    """``repl/ack``: the standby holds (on its disk) everything up to these cursors."""

    instance: str
    device: str = ""
    seq: int
    cmds: int
    sync: bool = True
    promoted_epoch: int = 0  # > 0: it was just promoted; the old primary must stop


class ReplNeed(Payload, kw_only=True):
    """``repl/need``: a standby (re)joins or found a gap: rows after these cursors, please;
    or (``alive``) says every few seconds that it is there (a restarted primary learns of it
    without sending anything again)."""

    instance: str
    device: str = ""
    seq: int
    cmds: int
    sync: bool = True
    reason: Literal["join", "gap", "alive"] = "join"


# ------------------------------------------------------------------ replies
class _Ok(Payload, tag_field="op", kw_only=True):
    id: str
    ok: Literal[True] = True
    at: float | None = None


class IssueOk(_Ok, tag="issue", kw_only=True):
    ticket: str
    service: str
    ahead: int = 0
    est_wait_s: float | None = None
    priority: str | None = None
    day: str = ""
    matter: str | None = None  # issued for a matter (一件事): it and its stages
    stages: list[list[str]] = msgspec.field(default_factory=list)


class LeaseBlock(Payload, kw_only=True):
    """Numbers ``first``..``last`` of ``prefix`` (e.g. A012..A021), leased to one kiosk."""

    prefix: str
    first: int
    last: int


class LeaseOk(_Ok, tag="lease", kw_only=True):
    """The numbers leased to the kiosk for business day ``day`` that have no ticket yet, as
    runs (the kiosk also keeps which it printed and has not reported yet)."""

    day: str = ""
    blocks: list[LeaseBlock] = msgspec.field(default_factory=list)


class IssueOfflineOk(_Ok, tag="issue_offline", kw_only=True):
    """The offline ticket is in its queue; ``issued_at``: its place in line (the kiosk's
    time, clamped to the lease's grant and the service's clock)."""

    ticket: str
    service: str
    day: str = ""
    issued_at: float = 0.0
    ahead: int = 0  # waiting before it, at the time it joined
    priority: str | None = None


class PrintResultOk(_Ok, tag="print_result", kw_only=True):
    ticket: str | None = None


class _CallOk(_Ok, kw_only=True):
    ticket: str
    service: str = ""
    window: str = ""
    reason: str = ""
    reason_code: CallRuleText | None = None
    priority_rule: PriorityRuleText | None = None
    wait_s: int = 0
    priority: str | None = None
    stage_rule: StageRuleText | None = None


class CallNextOk(_CallOk, tag="call_next", kw_only=True):
    pass


class CallOk(_CallOk, tag="call", kw_only=True):
    pass


class _TicketAtWindowOk(_Ok, kw_only=True):
    ticket: str
    window: str = ""


class RecallOk(_TicketAtWindowOk, tag="recall", kw_only=True):
    pass


class StartOk(_TicketAtWindowOk, tag="start", kw_only=True):
    pass


class NoShowOk(_TicketAtWindowOk, tag="no_show", kw_only=True):
    pass


class FinishOk(_TicketAtWindowOk, tag="finish", kw_only=True):
    to: str | None = None  # a case (一件事) moving on: the service of its next visit


class HoldOk(_TicketAtWindowOk, tag="hold", kw_only=True):
    pass


class TransferOk(_TicketAtWindowOk, tag="transfer", kw_only=True):
    from_: str = msgspec.field(default="", name="from")
    to: str = ""


class CancelOk(_Ok, tag="cancel", kw_only=True):
    ticket: str
    reason: str = ""


class _WindowOk(_Ok, kw_only=True):
    window: str = ""


class PauseOk(_WindowOk, tag="pause", kw_only=True):
    reason: str = ""


class ResumeOk(_WindowOk, tag="resume", kw_only=True):
    pass


class OpenOk(_WindowOk, tag="open", kw_only=True):
    staff: str | None = None


class CloseOk(_WindowOk, tag="close", kw_only=True):
    pass


class EvaluateOk(_Ok, tag="evaluate", kw_only=True):
    ticket: str
    score: int
    window: str = ""


class SetServicesOk(_WindowOk, tag="set_services", kw_only=True):
    pass


class SetPriorityRatioOk(_Ok, tag="set_priority_ratio", kw_only=True):
    pass


class StatusOk(_Ok, tag="status", kw_only=True):
    pass


class JointOpenOk(_Ok, tag="joint_open", kw_only=True):
    review: str
    ticket: str
    room: str = ""
    windows: list[str] = msgspec.field(default_factory=list)  # summoned, one per department
    called: bool = False  # every department confirmed already: the citizen was called


class JointConfirmOk(_Ok, tag="joint_confirm", kw_only=True):
    review: str
    ticket: str = ""
    window: str = ""
    called: bool = False  # the last confirmation: the citizen was called to the room


class JointCloseOk(_Ok, tag="joint_close", kw_only=True):
    review: str
    ticket: str = ""
    outcome: JointOutcome = JointOutcome.DONE
    to: str | None = None  # a case moving on: the service of its next visit


class AgencyTakeOk(_Ok, tag="agency_take", kw_only=True):
    """The desk carries the case now; a case opened for a matter also says its stages."""

    ticket: str
    desk: str = ""
    agent: str = ""
    service: str = ""  # a new case: its first visit's service, and the matter's stages
    matter: str | None = None
    stages: list[list[str]] = msgspec.field(default_factory=list)


class AgencyReleaseOk(_Ok, tag="agency_release", kw_only=True):
    ticket: str
    desk: str = ""


class BookOk(_Ok, tag="book", kw_only=True):
    """A booking the region made: the code to give the citizen (printed with its QR)."""

    code: str
    hall: str
    service: str
    day: str
    start: str
    minutes: int = 30
    hall_name: str = ""
    service_name: str = ""


OkReply = (
    IssueOk
    | PrintResultOk
    | LeaseOk
    | IssueOfflineOk
    | CallNextOk
    | CallOk
    | RecallOk
    | StartOk
    | NoShowOk
    | FinishOk
    | HoldOk
    | TransferOk
    | CancelOk
    | PauseOk
    | ResumeOk
    | OpenOk
    | CloseOk
    | EvaluateOk
    | SetServicesOk
    | SetPriorityRatioOk
    | StatusOk
    | JointOpenOk
    | JointConfirmOk
    | JointCloseOk
    | AgencyTakeOk
    | AgencyReleaseOk
    | BookOk
)


class ErrorReply(Payload, kw_only=True):
    """A refusal; nothing changed. ``id`` is null only when no id could be read."""

    id: str | None
    ok: Literal[False] = False
    error: ErrorCodeText = ErrorCode.INTERNAL.value
    message: str = ""
    opens_at: float | None = None  # hall_closed/service_closed/daily_cap: next opening (epoch s)


Reply = OkReply | ErrorReply

# ------------------------------------------------------------------ decoding
T = TypeVar("T")


class _Probe(msgspec.Struct):
    ok: bool = False


_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def decoder(kind: type[T]) -> msgspec.json.Decoder[T]:
    """One cached decoder per payload type."""
    found = _decoders.get(kind)
    if found is None:
        found = _decoders[kind] = msgspec.json.Decoder(kind)
    return found


def decode(payload: bytes, kind: type[T]) -> T:
    """Decode one payload; raises msgspec.DecodeError / ValidationError with the key path."""
    return decoder(kind).decode(payload)


_ok_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(OkReply)


def decode_reply(payload: bytes) -> OkReply | ErrorReply:
    """A reply: the op's typed success, or the refusal."""
    if msgspec.json.decode(payload, type=_Probe).ok:
        return _ok_decoder.decode(payload)  # type: ignore[no-any-return]
    return decode(payload, ErrorReply)


def to_builtins(payload: Payload) -> dict[str, Any]:
    """A payload as the plain dict that goes on the wire (e.g. for the board's JSON)."""
    out: dict[str, Any] = msgspec.to_builtins(payload)
    return out


def from_view(view: dict[str, Any], kind: type[T]) -> T:
    """A core view (plain dict) checked against its contract struct before it is published."""
    return msgspec.convert(view, kind)


REPLY_TYPES: dict[str, type[_Ok]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in OkReply.__args__  # type: ignore[attr-defined]
}
