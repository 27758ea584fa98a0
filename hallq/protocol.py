"""The MQTT contract (docs/protocol.md): topic names, command payloads, replies.

Topic and op names here are public: third-party LED boards and evaluators depend on them.
Extend, never rename. Every inbound payload is decoded by msgspec into a typed command, with
unknown keys rejected and the key path in the error.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from hallq.core.errors import ErrorCode

MAX_PAYLOAD = 4096  # bytes; larger commands are refused with "too_large"
CmdId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
TicketNo = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{1,3}\d{3,5}$")]
Text = Annotated[str, msgspec.Meta(max_length=200)]
# A staff id (工号) typed at sign-in: letters, digits or Chinese characters first, then also
# "_", "." or "-"; at most 32. Never starts with "=", "+", "-", "@" (a spreadsheet formula).
STAFF_ID_PATTERN = r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_.\-]{0,31}$"
StaffId = Annotated[str, msgspec.Meta(pattern=STAFF_ID_PATTERN)]


class Topics:
    """Builds every topic of one hall: ``hallq/<hall>/...``."""

    def __init__(self, hall: str) -> None:
        self.root = f"hallq/{hall}"
        # retained "1"/"0": is the bridge to the hall's other Mosquitto up, as this Mosquitto
        # sees it (broker/peer.py); outside the root, so the bridge does not carry it across
        self.peer_link = f"hallq-peer/{hall}"

    def cmd(self, device: str) -> str:
        return f"{self.root}/cmd/{device}"

    def reply(self, device: str) -> str:
        return f"{self.root}/reply/{device}"

    def window(self, window: str) -> str:
        return f"{self.root}/state/window/{window}"

    def window_services(self, window: str) -> str:
        """Retained: the services a window serves (changes only with set_services)."""
        return f"{self.root}/state/window_services/{window}"

    def service(self, code: str) -> str:
        return f"{self.root}/state/service/{code}"

    @property
    def hall(self) -> str:
        return f"{self.root}/state/hall"

    @property
    def cases(self) -> str:
        """Retained cases (一件事) in progress."""
        return f"{self.root}/state/cases"

    @property
    def joint(self) -> str:
        """Retained joint reviews (联审) of the day."""
        return f"{self.root}/state/joint"

    @property
    def advice(self) -> str:
        """Retained staffing advice (Erlang C), refreshed every minute."""
        return f"{self.root}/state/advice"

    def event(self, name: str) -> str:
        return f"{self.root}/event/{name}"

    def presence(self, device: str) -> str:
        return f"{self.root}/presence/{device}"

    @property
    def service_lock(self) -> str:
        """Retained: the service instance holding the hall and its fencing epoch."""
        return f"{self.root}/service/lock"

    @property
    def service_probe(self) -> str:
        return f"{self.root}/service/probe"

    def repl(self, name: str) -> str:
        """Primary -> standby replication: ``batch``, ``ack``, ``need``."""
        return f"{self.root}/repl/{name}"

    def device_of(self, topic: str) -> str:
        """The last level of a topic: the device of cmd/<device> or presence/<device>."""
        return topic.rsplit("/", 1)[-1]


def topic_matches(topic_filter: str, topic: str) -> bool:
    """MQTT filter matching (``+`` one level, ``#`` the rest, also the parent level itself):
    the one matcher MqttLink and FakeLink dispatch with."""
    f, t = topic_filter.split("/"), topic.split("/")
    for i, part in enumerate(f):
        if part == "#":
            return True
        if i >= len(t) or part not in ("+", t[i]):
            return False
    return len(f) == len(t)


class _Cmd(msgspec.Struct, tag_field="op", forbid_unknown_fields=True, kw_only=True, frozen=True):
    id: CmdId
    sent_at: float | None = None  # device clock; commands older than max_age_s are refused


class Issue(_Cmd, kw_only=True, tag="issue"):
    """A new ticket for ``service``, or a case (一件事) for ``matter``: exactly one of them."""

    service: Code | None = None
    matter: Code | None = None
    priority: Code | None = None
    confirm: bool = False  # true: the kiosk will report the print result (print_result)
    appointment: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9]{4,16}$")] | None = None

    def __post_init__(self) -> None:
        if (self.service is None) == (self.matter is None):
            raise ValueError("issue needs exactly one of 'service' and 'matter'")
        if self.matter is not None and self.appointment is not None:
            raise ValueError("an appointment checks in for a service, not a matter")


class PrintResult(_Cmd, kw_only=True, tag="print_result"):
    ticket: TicketNo
    ok: bool
    reason: Text = ""


Prefix = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{1,3}$")]
BusinessDay = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Lease(_Cmd, kw_only=True, tag="lease"):
    """A kiosk's number blocks for issuing while the service is unreachable: top up to
    ``count`` unused numbers per prefix (docs/kiosk.md, "Offline issuing")."""

    prefixes: Annotated[list[Prefix], msgspec.Meta(min_length=1, max_length=64)]
    count: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


class IssueOffline(_Cmd, kw_only=True, tag="issue_offline"):
    """A ticket the kiosk printed offline with a leased number: it joins the queue at
    ``issued_at`` (the kiosk's clock, epoch s), the lease's business day ``day``."""

    service: Code
    ticket: TicketNo
    issued_at: Annotated[float, msgspec.Meta(ge=0, le=1e11)]
    day: BusinessDay
    priority: Code | None = None


class CallNext(_Cmd, kw_only=True, tag="call_next"):
    pass


class Call(_Cmd, kw_only=True, tag="call"):
    ticket: TicketNo


class Recall(_Cmd, kw_only=True, tag="recall"):
    pass


class Start(_Cmd, kw_only=True, tag="start"):
    pass


class NoShow(_Cmd, kw_only=True, tag="no_show"):
    pass


class Finish(_Cmd, kw_only=True, tag="finish"):
    pass


class Hold(_Cmd, kw_only=True, tag="hold"):
    pass


class Transfer(_Cmd, kw_only=True, tag="transfer"):
    service: Code


class Cancel(_Cmd, kw_only=True, tag="cancel"):
    ticket: TicketNo
    reason: Text = ""


class Pause(_Cmd, kw_only=True, tag="pause"):
    reason: Text = ""
    window: Code | None = None  # managers name the window; counters use their own


class Resume(_Cmd, kw_only=True, tag="resume"):
    window: Code | None = None


class Open(_Cmd, kw_only=True, tag="open"):
    staff: StaffId | None = None
    window: Code | None = None


class Close(_Cmd, kw_only=True, tag="close"):
    window: Code | None = None


class Evaluate(_Cmd, kw_only=True, tag="evaluate"):
    ticket: TicketNo
    score: Annotated[int, msgspec.Meta(ge=1, le=5)]


class SetServices(_Cmd, kw_only=True, tag="set_services"):
    window: Code
    services: dict[Code, Literal["primary", "secondary"]]
    by: Text = ""  # the manager who did it (logged)


class SetPriorityRatio(_Cmd, kw_only=True, tag="set_priority_ratio"):
    ratio: Annotated[int, msgspec.Meta(ge=0, le=20)]
    by: Text = ""


class JointOpen(_Cmd, kw_only=True, tag="joint_open"):
    """A joint review (联审联批) of ``ticket`` in ``room`` by ``departments``; ``staff`` names
    a staff member for a department (summoned wherever signed in)."""

    ticket: TicketNo
    room: Code
    departments: Annotated[list[Code], msgspec.Meta(min_length=1, max_length=8)]
    staff: dict[Code, StaffId] = msgspec.field(default_factory=dict)
    by: Text = ""  # the manager who did it (logged)


class JointConfirm(_Cmd, kw_only=True, tag="joint_confirm"):
    """A summoned window confirms it is coming to the room."""

    review: Code
    window: Code | None = None  # managers name the window; counters use their own


class JointClose(_Cmd, kw_only=True, tag="joint_close"):
    """End a review: ``done`` finishes the ticket's visit, ``back`` leaves it held."""

    review: Code
    outcome: Literal["done", "back"] = "done"
    by: Text = ""


# the name an agency desk's agent is called by ("帮办员王", "Agent Li"): letters and Chinese
# characters only, so no phone or ID number can be put on a display through it
AgentName = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff ·]{0,15}$")
]


class AgencyTake(_Cmd, kw_only=True, tag="agency_take"):
    """An agency desk (帮办代办) carries a case for the citizen: case ``ticket`` (waiting or
    held), or a new case it opens for ``matter``; exactly one of them. Calls then call
    ``agent`` (default: the desk's name) instead of the citizen."""

    ticket: TicketNo | None = None
    matter: Code | None = None
    agent: AgentName | None = None
    priority: Code | None = None  # a new case's priority class
    window: Code | None = None  # the board names the desk; a counter is its own
    by: Text = ""

    def __post_init__(self) -> None:
        if (self.ticket is None) == (self.matter is None):
            raise ValueError("agency_take needs exactly one of 'ticket' and 'matter'")


class AgencyRelease(_Cmd, kw_only=True, tag="agency_release"):
    """The case is the citizen's own again (calls call its number)."""

    ticket: TicketNo
    by: Text = ""


class Book(_Cmd, kw_only=True, tag="book"):
    """Book a citizen into a slot of ``service`` at ``hall`` (跨层级预约, usually the county):
    the hall's service asks the region over its bridge and answers with the code."""

    hall: Code
    service: Code
    day: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    start: Annotated[str, msgspec.Meta(pattern=r"^\d{2}:\d{2}$")]
    staff: StaffId | None = None  # who booked it (the window's staff member)


class Status(_Cmd, kw_only=True, tag="status"):
    """Ask for a fresh copy of the hall's retained state (no change)."""


Command = (
    Issue
    | PrintResult
    | Lease
    | IssueOffline
    | CallNext
    | Call
    | Recall
    | Start
    | NoShow
    | Finish
    | Hold
    | Transfer
    | Cancel
    | Pause
    | Resume
    | Open
    | Close
    | Evaluate
    | SetServices
    | SetPriorityRatio
    | Status
    | JointOpen
    | JointConfirm
    | JointClose
    | AgencyTake
    | AgencyRelease
    | Book
)


class Role(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    EVALUATOR = "evaluator"
    DISPLAY = "display"
    BROKER = "broker"
    BOARD = "board"
    LED = "led"


WINDOW_OPS = {
    "call_next",
    "call",
    "recall",
    "start",
    "no_show",
    "finish",
    "hold",
    "transfer",
    "pause",
    "resume",
    "open",
    "close",
}
JOINT_OPS = {"joint_open", "joint_confirm", "joint_close"}  # 联审联批
AGENCY_OPS = {"agency_take", "agency_release"}  # 帮办代办
ALLOWED: dict[Role, set[str]] = {
    Role.KIOSK: {"issue", "print_result", "lease", "issue_offline", "status"},
    Role.COUNTER: WINDOW_OPS | JOINT_OPS | AGENCY_OPS | {"cancel", "status", "book"},
    Role.EVALUATOR: {"evaluate", "status"},
    Role.BOARD: WINDOW_OPS
    | JOINT_OPS
    | AGENCY_OPS
    | {"set_services", "set_priority_ratio", "cancel", "issue", "status", "book"},
    Role.DISPLAY: {"status"},
    Role.LED: {"status"},
    Role.BROKER: set(),
}


class BadCommand(ValueError):
    """An inbound payload that is not a valid command; carries the reply's error code."""

    def __init__(self, code: ErrorCode, message: str, cmd_id: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.cmd_id = code, message, cmd_id


_decoder = msgspec.json.Decoder(Command)


class _IdOnly(msgspec.Struct):
    """Just the id of a payload that is not a valid command (other fields ignored)."""

    id: Any = None


_id_decoder = msgspec.json.Decoder(_IdOnly)
_ID_RE = re.compile(rb'"id"\s*:\s*"([^"\\\x00-\x1f]{1,64})"')


def decode_command(payload: bytes) -> Command:
    """Decode one command payload or raise BadCommand (code + readable message).

    Never raises anything else: deep nesting, huge numbers, invalid UTF-8 or any other
    surprise in the payload is this one command's refusal, with its id whenever readable."""
    if len(payload) > MAX_PAYLOAD:
        raise BadCommand(
            ErrorCode.TOO_LARGE,
            f"payload of {len(payload)} B > {MAX_PAYLOAD} B",
            _scan_id(payload[:MAX_PAYLOAD]),
        )
    try:
        return _decoder.decode(payload)
    except msgspec.ValidationError as exc:
        text = str(exc)
        code = ErrorCode.UNKNOWN_OP if "Invalid value" in text and "$.op" in text else None
        raise BadCommand(code or ErrorCode.BAD_PAYLOAD, text, _peek_id(payload)) from exc
    except msgspec.DecodeError as exc:
        raise BadCommand(ErrorCode.BAD_JSON, f"not JSON: {exc}", _scan_id(payload)) from exc
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        message = f"not a command: {type(exc).__name__}: {exc}"[:200]
        raise BadCommand(ErrorCode.BAD_PAYLOAD, message, _scan_id(payload)) from exc


def _peek_id(payload: bytes) -> str | None:
    """The id of a JSON payload that failed validation, if it is a usable one."""
    try:
        cid = _id_decoder.decode(payload).id
    except Exception:  # any failure: fall back to scanning the raw bytes
        return _scan_id(payload)
    return cid if isinstance(cid, str) and 0 < len(cid) <= 64 else None


def _scan_id(payload: bytes) -> str | None:
    """An id read from bytes that are not (all) JSON: the first ``"id": "..."`` pair."""
    match = _ID_RE.search(payload)
    if match is None:
        return None
    try:
        return match.group(1).decode()
    except UnicodeDecodeError:
        return None


def ok_reply(cmd_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": cmd_id, "ok": True, **fields}


def error_reply(
    cmd_id: str | None, code: ErrorCode, message: str, opens_at: float | None = None
) -> dict[str, Any]:
    """A refusal; ``opens_at`` (epoch s) says when a closed hall or service takes tickets."""
    return {"id": cmd_id, "ok": False, "error": str(code), "message": message, "opens_at": opens_at}


def encode(payload: Any) -> bytes:
    return msgspec.json.encode(payload)


def decode_json(payload: bytes) -> Any:
    return msgspec.json.decode(payload)
