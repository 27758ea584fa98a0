"""A period's figures per matter (一件事): a pure function of the events, like board/stats.py.

Definitions (docs/board.md, "Reports"):

- **cases**: cases opened for the matter (``case_opened``); **completed**: cases whose last
  visit finished (``case_completed``).
- **end to end**: from the ticket's issue to the finish of its last visit, completed cases
  only: the time the citizen's matter spent in the hall.
- per **stage** (a visit of the matter: the stage's service): **waiting** from joining the
  stage's queue (issue, the previous stage's finish, or a transfer) to the call — for a joint
  stage (联审) the call to the room; **being served** from start (else the call) to the finish.
- per **department**: the stages of its services added up, within the matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hallq.core.model import Event
from hallq.core.percentile import percentile


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Spans:
    """Waits and service times of one stage, or one department, of a matter."""

    waits: list[float] = field(default_factory=list)
    serves: list[float] = field(default_factory=list)

    @property
    def wait_mean(self) -> float | None:
        return _mean(self.waits)

    @property
    def serve_mean(self) -> float | None:
        return _mean(self.serves)


@dataclass
class MatterFigures:
    """One matter's figures over a period."""

    matter: str
    cases: int = 0
    completed: int = 0
    end_to_end: list[float] = field(default_factory=list)
    stages: dict[tuple[int, str], Spans] = field(default_factory=dict)  # (stage, service)
    departments: dict[str, Spans] = field(default_factory=dict)

    @property
    def end_to_end_mean(self) -> float | None:
        return _mean(self.end_to_end)

    @property
    def end_to_end_p90(self) -> float | None:
        return percentile(self.end_to_end, 90)


@dataclass
class _Case:
    figures: MatterFigures
    issued_at: float
    stage: int
    slot: str
    queued_at: float
    waiting: bool = True
    begun: float | None = None


class MatterWalk:
    """Walks one day's events, adding each case's figures to its matter's."""

    def __init__(self, matters: dict[str, MatterFigures], department: Mapping[str, str]) -> None:
        self.matters, self.department = matters, department
        self.issued: dict[str, float] = {}
        self.cases: dict[str, _Case] = {}

    def _spans(self, c: _Case) -> list[Spans]:
        stage = c.figures.stages.setdefault((c.stage, c.slot), Spans())
        dep = self.department.get(c.slot, "")
        return [stage, c.figures.departments.setdefault(dep, Spans())]

    def on_ticket_issued(self, ev: Event) -> None:
        self.issued[ev.data["ticket"]] = float(ev.data.get("issued_at", ev.at))

    def on_case_opened(self, ev: Event) -> None:
        d = ev.data
        figures = self.matters.setdefault(d["matter"], MatterFigures(d["matter"]))
        figures.cases += 1
        issued = self.issued.get(d["ticket"], ev.at)
        self.cases[d["ticket"]] = _Case(figures, issued, d["stage"], d["slot"], issued)

    def _called(self, number: str, at: float) -> None:
        c = self.cases.get(number)
        if c is None or not c.waiting:
            return
        c.waiting, c.begun = False, at
        for spans in self._spans(c):
            spans.waits.append(at - c.queued_at)

    def on_ticket_called(self, ev: Event) -> None:
        self._called(ev.data["ticket"], ev.at)

    def on_joint_called(self, ev: Event) -> None:  # a joint stage: the call to the room
        self._called(ev.data["ticket"], ev.at)

    def on_ticket_started(self, ev: Event) -> None:
        c = self.cases.get(ev.data["ticket"])
        if c is not None and not ev.data.get("joint"):
            c.begun = ev.at

    def on_ticket_finished(self, ev: Event) -> None:
        c = self.cases.get(ev.data["ticket"])
        if c is None or c.begun is None:
            return
        for spans in self._spans(c):
            spans.serves.append(ev.at - c.begun)
        c.begun = None

    def on_ticket_transferred(self, ev: Event) -> None:
        c = self.cases.get(ev.data["ticket"])
        if c is not None:  # waits again, for the same stage
            c.queued_at, c.waiting, c.begun = ev.at, True, None

    def on_case_moved(self, ev: Event) -> None:
        c = self.cases.get(ev.data["ticket"])
        if c is not None:
            c.stage, c.slot = ev.data["to_stage"], ev.data["to"]
            c.queued_at, c.waiting, c.begun = ev.at, True, None

    def on_case_completed(self, ev: Event) -> None:
        c = self.cases.pop(ev.data["ticket"], None)
        if c is not None:
            c.figures.completed += 1
            c.figures.end_to_end.append(ev.at - c.issued_at)

    def walk(self, events: Iterable[Event]) -> None:
        for ev in events:
            handler = HANDLERS.get(ev.kind)
            if handler is not None:
                handler(self, ev)


HANDLERS = {name[3:]: fn for name, fn in vars(MatterWalk).items() if name.startswith("on_")}
MATTER_KINDS = frozenset(HANDLERS)  # what it reads
