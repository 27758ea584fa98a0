"""Plain data of a hall: its layout (from the config) and the live tickets and windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TicketState(StrEnum):
    """Where a ticket is in its life."""

    ISSUED = "issued"  # number given, print not yet confirmed by the kiosk
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    HELD = "held"  # parked by staff (e.g. citizen fetches a document); can be called back


ACTIVE_STATES = frozenset({TicketState.CALLED, TicketState.SERVING})


class WindowStatus(StrEnum):
    """A window's staffing state."""

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class Tier(StrEnum):
    """How a window serves a service: its own work, or help when that service overflows."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


class CallRule(StrEnum):
    """Which routing rule picked a called ticket (``reason_code`` of a call)."""

    PRIMARY = "primary"  # the longest wait among the window's own (primary) services
    SECONDARY_OVERDUE = "secondary_overdue"  # a secondary service passed its target wait
    SECONDARY_IDLE = "secondary_idle"  # no primary ticket waiting: the window helps
    BY_NUMBER = "by_number"  # staff called this number (特呼)
    CMU = "cmu"  # capped_cmu, guarded_cmu: the line with the highest wait x service rate (c-mu)
    OVER_CAP = "over_cap"  # capped/guarded_cmu: a line past its cap (k x target), oldest first


class PriorityRule(StrEnum):
    """Why a front-priority ticket went ahead (``priority_rule`` of a call)."""

    SHARE = "share"  # its bounded share: 1 per priority_ratio normal calls
    NORMAL_EMPTY = "normal_empty"  # no normal ticket waiting


class StageRule(StrEnum):
    """Whether a case moving on to its next stage went ahead (``stage_rule`` of a call).

    Cases (一件事) that finished a stage join the next stage's queue as a "continuing" class:
    ahead of new arrivals, but at most ``continuing_run`` continuing calls in a row per window
    while first-stage tickets wait, so a new arrival never starves."""

    CONTINUING = "continuing"  # a continuing case went ahead of new arrivals (within its run)
    FRESH_TURN = "fresh_turn"  # continuing cases wait, but their run is used: a new arrival's turn


class MatterMode(StrEnum):
    """How a matter (一件事) is served."""

    STEPS = "steps"  # each stage at a window serving it; the case moves on by itself
    ONE_WINDOW = "one_window"  # a 综合窗口 serving every stage takes the whole matter at once


class PriorityPolicy(StrEnum):
    """How a priority class is favoured."""

    FRONT = "front"  # goes ahead of normal tickets, bounded by the hall's priority ratio
    BOOST = "boost"  # keeps the normal order but counts as having arrived boost_min earlier


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    code: str
    prefix: str
    name: str
    name_en: str
    department: str
    target_wait_min: float = 20.0
    avg_service_min: float = 8.0
    daily_cap: int | None = None


@dataclass(frozen=True, slots=True)
class WindowSpec:
    id: str
    name: str
    name_en: str
    department: str
    services: dict[str, Tier]
    zone: str = ""
    agency: bool = False  # an agency desk (帮办代办): takes cases on citizens' behalf


@dataclass(frozen=True, slots=True)
class PriorityClassSpec:
    id: str
    name: str
    name_en: str
    policy: PriorityPolicy = PriorityPolicy.FRONT
    boost_min: float = 0.0


@dataclass(frozen=True, slots=True)
class MatterSpec:
    """A matter (一件事): stages in order, each one service or a group done in any order."""

    id: str
    name: str
    name_en: str
    stages: tuple[tuple[str, ...], ...]
    mode: MatterMode = MatterMode.STEPS
    # stage index -> (room, departments): the stage is a joint review (联审) opened by itself
    joint: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def services(self) -> tuple[str, ...]:
        """Every service of the matter, stage by stage (a visit each)."""
        return tuple(code for stage in self.stages for code in stage)


@dataclass(frozen=True, slots=True)
class RoomSpec:
    """A joint-review room (联审室) from ``[[rooms]]``: where departments meet a citizen."""

    id: str
    name: str
    name_en: str
    zone: str = ""


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Hours in minutes after local midnight; weekdays 0 = Monday."""

    open_min: int = 0
    close_min: int = 24 * 60
    weekdays: frozenset[int] = frozenset(range(7))


Span = tuple[int, int]  # [start, end) in minutes after local midnight


@dataclass(frozen=True, slots=True)
class Calendar:
    """The hall's year (``[calendar]``): what changes the weekly :class:`OpeningHours`.

    Dates are ISO strings (local). A holiday is closed all day; a make-up working day (调休)
    is open with the regular weekday hours even on a weekend. ``lunch`` pauses issuing unless
    ``lunch_issuing``; ``service_hours`` narrows when a service takes tickets."""

    day_hours: dict[int, Span] = field(default_factory=dict)  # weekday -> hours, overriding
    holidays: frozenset[str] = frozenset()
    makeup_days: frozenset[str] = frozenset()
    lunch: Span | None = None
    lunch_issuing: bool = True
    service_hours: dict[str, Span] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything the engine needs to know about a hall, built from the config."""

    hall_id: str
    services: dict[str, ServiceSpec]
    windows: dict[str, WindowSpec]
    priority_classes: dict[str, PriorityClassSpec] = field(default_factory=dict)
    priority_ratio: int = 2  # at most 1 front-priority call per this many normal calls
    timezone: str = "Asia/Shanghai"
    day_start_min: int = 3 * 60
    hours: OpeningHours = OpeningHours()
    estimate_window: int = 20  # recent service times used for estimates
    calendar: Calendar = Calendar()
    matters: dict[str, MatterSpec] = field(default_factory=dict)
    # at most this many continuing-case calls in a row per window while new arrivals wait;
    # 0: a case moving on joins the back of the next stage's queue like a new arrival
    continuing_run: int = 2
    rooms: dict[str, RoomSpec] = field(default_factory=dict)
    departments: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> names
    # a summoned department that has not confirmed after this long raises a board alert
    joint_confirm_s: float = 300.0


@dataclass(slots=True)
class Ticket:
    number: str
    service: str
    seq: int
    day: str
    issued_at: float
    rank_at: float  # ordering key: arrival, earlier for boosted classes; kept on transfer
    priority: str | None = None
    front: bool = False
    state: TicketState = TicketState.ISSUED
    window: str | None = None
    called_at: float | None = None
    started_at: float | None = None
    calls: int = 0
    transfers: int = 0
    rating: int | None = None
    reason: str = ""
    source: str = ""
    print_assumed: bool = False  # waiting because the kiosk never confirmed its print
    appointment: str | None = None  # the booking code it checked in with (once per code)
    matter: str | None = None  # a case (一件事): the matter it carries through its stages
    continuing: bool = False  # queued at a later stage of its case: the continuing class
    sitting: frozenset[str] = frozenset()  # one_window case: a window must serve all of these
    joint: str | None = None  # the open joint review (联审) it is held for, if any
    offline: bool = False  # printed by a kiosk offline with a leased number (issue_offline)
    agent: str | None = None  # 帮办代办: the agent called in the citizen's place (a staff name)
    desk: str | None = None  # the agency desk (a window id) carrying the case

    def sort_key(self) -> tuple[float, int]:
        return (self.rank_at, self.seq)


@dataclass(slots=True)
class Window:
    id: str
    services: dict[str, Tier]
    status: WindowStatus = WindowStatus.CLOSED
    staff: str | None = None
    ticket: str | None = None
    pause_reason: str = ""
    since: float = 0.0
    normal_since_priority: int = 1_000_000
    served: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    continuing_streak: int = 0  # continuing-case calls in a row (the bounded share)


@dataclass(slots=True)
class Step:
    """One finished stage visit of a case: which slot, done by which service, where, when."""

    stage: int
    slot: str  # the matter's service for this visit
    service: str  # the service that did it (differs after a transfer)
    window: str | None
    queued_at: float
    called_at: float | None
    finished_at: float


@dataclass(slots=True)
class Case:
    """One citizen with one ticket number moving through the stages of a matter."""

    ticket: str
    matter: str
    stages: tuple[tuple[str, ...], ...]  # as at issue (a config change mid-day keeps them)
    mode: MatterMode
    stage: int = 0
    slot: str = ""  # the stage's service this visit is for
    queued_at: float = 0.0  # when it joined its current queue
    steps: list[Step] = field(default_factory=list)
    completed_at: float | None = None
    # stage index -> (room, departments) of its joint stages, as at issue
    joint: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def visits(self) -> int:
        return sum(len(s) for s in self.stages)

    def remaining(self) -> list[tuple[int, str]]:
        """(stage, slot) still to do after the current visit, current stage first."""
        done = {(s.stage, s.slot) for s in self.steps} | {(self.stage, self.slot)}
        return [
            (i, code)
            for i, stage in enumerate(self.stages)
            if i >= self.stage
            for code in stage
            if (i, code) not in done
        ]


class JointStatus(StrEnum):
    """Where a joint review (联审联批) is."""

    SUMMONING = "summoning"  # departments summoned to the room; not all have confirmed
    CALLED = "called"  # all confirmed: the citizen was called to the room
    CLOSED = "closed"


class JointOutcome(StrEnum):
    """How a joint review ended for its ticket."""

    DONE = "done"  # the review did the ticket's visit: a case moves on, a ticket is finished
    BACK = "back"  # the ticket stays held at its visit (called back by number later)


@dataclass(slots=True)
class JointPart:
    """One department at a joint review: the window summoned and its times."""

    department: str
    window: str
    staff: str | None
    summoned_at: float
    confirmed_at: float | None = None
    left_at: float | None = None


@dataclass(slots=True)
class JointReview:
    """A joint review (联审联批): several departments examine one ticket's matter together."""

    id: str
    ticket: str
    room: str
    by: str  # the window or device that opened it
    opened_at: float
    parts: list[JointPart]
    status: JointStatus = JointStatus.SUMMONING
    called_at: float | None = None
    closed_at: float | None = None
    outcome: JointOutcome | None = None

    @property
    def windows(self) -> list[str]:
        return [p.window for p in self.parts]

    def part(self, window: str) -> JointPart | None:
        return next((p for p in self.parts if p.window == window), None)


class EventKind(StrEnum):
    """Every kind of stored event (the ``kind`` column of the store; never renamed)."""

    DAY_STARTED = "day_started"
    TICKET_ISSUED = "ticket_issued"
    TICKET_PRINTED = "ticket_printed"
    TICKET_CANCELLED = "ticket_cancelled"
    TICKET_CALLED = "ticket_called"
    TICKET_RECALLED = "ticket_recalled"
    TICKET_STARTED = "ticket_started"
    TICKET_FINISHED = "ticket_finished"
    TICKET_NO_SHOW = "ticket_no_show"
    TICKET_HELD = "ticket_held"
    TICKET_TRANSFERRED = "ticket_transferred"
    TICKET_RATED = "ticket_rated"
    WINDOW_OPENED = "window_opened"
    WINDOW_CLOSED = "window_closed"
    WINDOW_PAUSED = "window_paused"
    WINDOW_RESUMED = "window_resumed"
    WINDOW_SERVICES_SET = "window_services_set"
    PRIORITY_RATIO_SET = "priority_ratio_set"
    CASE_OPENED = "case_opened"  # a ticket issued for a matter becomes a case
    CASE_MOVED = "case_moved"  # a stage visit finished: the case joins its next queue
    CASE_COMPLETED = "case_completed"  # the last visit finished (or the one_window sitting)
    JOINT_OPENED = "joint_opened"  # a joint review: departments summoned, the ticket held
    JOINT_CONFIRMED = "joint_confirmed"  # a summoned window confirmed it is coming
    JOINT_CALLED = "joint_called"  # all confirmed: the citizen called to the room
    JOINT_CLOSED = "joint_closed"
    NUMBERS_LEASED = "numbers_leased"  # a block of numbers leased to a kiosk for offline issue
    AGENCY_TAKEN = "agency_taken"  # an agency desk (帮办代办) carries a case for the citizen
    AGENCY_RELEASED = "agency_released"  # the case is the citizen's own again


@dataclass(frozen=True, slots=True)
class Event:
    """One appended fact. ``data`` is JSON-safe; the store persists exactly this."""

    kind: str
    at: float
    data: dict[str, Any]
