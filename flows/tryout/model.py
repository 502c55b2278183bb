"""Try the job: what content/tryout.yaml declares, and how a chat moves through it.

The tryout is a fixed sequence of steps built from the content: each side's tasks in order,
then a "how did that feel?" step for that side. A chat's progress is one small integer per
step done (the option picked, or the feeling), in `ChatState.tryout`, plus its phase in
`ChatState.tryout_phase` (not started, asking, or showing a task's feedback). Everything
else (which screen to draw, how many answers were right, how the feelings pull the result)
follows from those, so a tryout resumes exactly where it was after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # flows.state imports flows.schema, which imports this module
    from flows.state import ChatState

NOT_STARTED, ASKING, REVIEWING = 0, 1, 2  # ChatState.tryout_phase

Side = Literal["coding", "billing"]
SIDES: tuple[Side, ...] = ("coding", "billing")
Amount = Literal["patient_share", "coinsurance_on_allowed", "plan_share", "deductible"]

_Text = Annotated[str, Field(min_length=1)]
_Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
_Label = Annotated[str, Field(min_length=1, max_length=40)]  # flows.schema.BUTTON_LABEL_MAX


class _Schema(BaseModel):
    # The same rules as flows.schema.Schema (that module imports this one).
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- content/tryout.yaml -----------------------------------------------------------------------


class Bill(_Schema):
    """The numbers of a patient-owes task, in whole dollars."""

    allowed: int = Field(gt=0)  # the plan's allowed amount for the service
    deductible_left: int = Field(ge=0)  # deductible still to pay before the plan pays
    coinsurance_percent: int = Field(gt=0, lt=100)

    def amount(self, kind: Amount) -> int:
        deductible = min(self.deductible_left, self.allowed)
        coinsurance = self.coinsurance(self.allowed - deductible)
        patient_share = deductible + coinsurance
        return {
            "patient_share": patient_share,
            "coinsurance_on_allowed": self.coinsurance(self.allowed),
            "plan_share": self.allowed - patient_share,
            "deductible": deductible,
        }[kind]

    def coinsurance(self, dollars: int) -> int:
        share, remainder = divmod(dollars * self.coinsurance_percent, 100)
        if remainder:
            raise ValueError(f"{self.coinsurance_percent}% of ${dollars} is not whole dollars")
        return share


class TaskOption(_Schema):
    id: _Identifier
    right: bool = False
    code: str | None = None  # a fact key: the code the button shows
    amount: Amount | None = None  # for a patient-owes task: the dollars the button shows


class Task(_Schema):
    id: _Identifier
    side: Side
    options: list[TaskOption] = Field(min_length=3, max_length=4)
    bill: Bill | None = None

    @property
    def right_option(self) -> int:
        return next(i for i, option in enumerate(self.options) if option.right)


class Feeling(_Schema):
    id: _Identifier
    toward: int = Field(default=0, ge=0)  # points added to the side's own track
    away: int = Field(default=0, ge=0)  # points added to the other track


class Tryout(_Schema):
    feelings: list[Feeling] = Field(min_length=2, max_length=4)
    tasks: list[Task] = Field(min_length=2, max_length=12)
    learn: _Identifier  # the guide topic that shows where these skills are learned


# ---- content/<language>/tryout.yaml -----------------------------------------------------------


class TaskWords(_Schema):
    scenario: _Text
    options: dict[str, _Label]  # may hold {code} or {amount}
    explanation: _Text  # the right answer, and why the others are wrong


class TryoutButtons(_Schema):
    start: _Label
    next: _Label
    again: _Label
    see_result: _Label
    take_quiz: _Label
    learn: _Label
    try_job: _Label  # the way in, under the result, on the welcome and in /help


class ClosingWords(_Schema):
    title: _Text
    score: _Text  # {right} {total} {coding} {coding_total} {billing} {billing_total}
    learn: _Text
    # {before} {after}: the result's headlines; {before_coding} {after_coding}: its split
    changed: _Text
    moved: _Text
    same: _Text
    no_quiz: _Text


class TryoutWords(_Schema):
    intro: _Text  # {total}
    done_before: _Text
    progress: _Text  # {number} {total} {side}
    sides: dict[Side, _Text]
    halfway: _Text  # above the first task of the second side
    right: _Text
    wrong: _Text  # {answer}
    feeling_prompt: dict[Side, _Text]
    feelings: dict[str, _Label]
    reasons: dict[Side, dict[str, _Text]]  # per side, per feeling that pulls: the Why line
    neither: _Text  # the result's "neither" when both halves were "not for me"
    split: _Text  # the result's split once the tryout moved it: {coding} {billing}
    closing: ClosingWords
    buttons: TryoutButtons
    tasks: dict[str, TaskWords]


# ---- a chat's progress ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of the sequence: a task (by index in Tryout.tasks) or a side's feeling."""

    side: Side
    task: int | None = None  # None: the "how did that feel?" step of the side

    @property
    def is_task(self) -> bool:
        return self.task is not None


@dataclass(frozen=True)
class FeelingPull:
    """How one side felt, as points toward each track (see flows.scoring.score)."""

    side: Side
    feeling: str
    coding: int
    billing: int

    @property
    def own(self) -> int:
        """Points toward this side's own track."""
        return self.coding if self.side == "coding" else self.billing

    @property
    def other(self) -> int:
        """Points toward the other track: this side was not for them."""
        return self.billing if self.side == "coding" else self.coding


class TryoutPlan:
    """The sequence of steps, and the moves a chat can make through it. Every move returns the
    new state, or None when it does not apply to the state as it is (a stale or forged tap)."""

    def __init__(self, tryout: Tryout) -> None:
        self.tryout = tryout
        self.tasks = tryout.tasks
        steps: list[Step] = []
        for side in SIDES:
            indexes = [i for i, task in enumerate(tryout.tasks) if task.side == side]
            steps += [Step(side, i) for i in indexes]
            if indexes:
                steps.append(Step(side))
        self.steps: tuple[Step, ...] = tuple(steps)

    # ---- where a chat is -----------------------------------------------------------------------

    def position(self, state: ChatState) -> int:
        """The index of the step being asked (len(steps) once finished)."""
        return min(len(state.tryout), len(self.steps))

    def started(self, state: ChatState) -> bool:
        return state.tryout_phase != NOT_STARTED or bool(state.tryout)

    def reviewing(self, state: ChatState) -> bool:
        """Whether the feedback on the last task answered is on screen."""
        return state.tryout_phase == REVIEWING and bool(state.tryout)

    def finished(self, state: ChatState) -> bool:
        return len(state.tryout) >= len(self.steps) and not self.reviewing(state)

    def running(self, state: ChatState) -> bool:
        return self.started(state) and not self.finished(state)

    def current_step(self, state: ChatState) -> Step | None:
        """The step waiting for a tap; None while feedback is shown or once finished."""
        if self.reviewing(state) or self.finished(state):
            return None
        return self.steps[self.position(state)]

    def reviewed_task(self, state: ChatState) -> int | None:
        """The task whose feedback is on screen, if any."""
        if not self.reviewing(state):
            return None
        return self.steps[len(state.tryout) - 1].task

    def task_number(self, task: int) -> int:
        """1-based number of a task among all tasks."""
        return task + 1

    # ---- moves -------------------------------------------------------------------------------

    def begin(self, state: ChatState) -> ChatState | None:
        """The first task is being asked; None if the tryout has started already."""
        if self.started(state):
            return None
        return state.advanced(tryout_phase=ASKING)

    def answer(self, state: ChatState, step: int, option: int) -> ChatState | None:
        current = self.current_step(state)
        if current is None or current.task is None or step != self.position(state):
            return None
        if not 0 <= option < len(self.tasks[current.task].options):
            return None
        return state.advanced(tryout=(*state.tryout, option), tryout_phase=REVIEWING)

    def next(self, state: ChatState) -> ChatState | None:
        if not self.reviewing(state):
            return None
        return state.advanced(tryout_phase=ASKING)

    def feel(self, state: ChatState, step: int, feeling: int) -> ChatState | None:
        current = self.current_step(state)
        if current is None or current.is_task or step != self.position(state):
            return None
        if not 0 <= feeling < len(self.tryout.feelings):
            return None
        return state.advanced(tryout=(*state.tryout, feeling), tryout_phase=ASKING)

    def again(self, state: ChatState) -> ChatState:
        return state.advanced(tryout=(), tryout_phase=ASKING)

    # ---- what it adds up to -------------------------------------------------------------------

    def picks(self, state: ChatState) -> list[tuple[Step, int]]:
        """The steps done, with the option or feeling picked; values that no longer fit the
        content (it changed since they were stored) are left out."""
        done = []
        for step, pick in zip(self.steps, state.tryout, strict=False):
            limit = (
                len(self.tasks[step.task].options)
                if step.task is not None
                else len(self.tryout.feelings)
            )
            if 0 <= pick < limit:
                done.append((step, pick))
        return done

    def right_answers(self, state: ChatState) -> dict[Side, int]:
        right = dict.fromkeys(SIDES, 0)
        for step, pick in self.picks(state):
            if step.task is not None and pick == self.tasks[step.task].right_option:
                right[step.side] += 1
        return right

    def task_totals(self) -> dict[Side, int]:
        return {side: sum(1 for t in self.tasks if t.side == side) for side in SIDES}

    def pulls(self, state: ChatState) -> tuple[FeelingPull, ...]:
        """How each side felt, as points toward coding and billing, in the order given."""
        pulls = []
        for step, pick in self.picks(state):
            if step.task is not None:
                continue
            feeling = self.tryout.feelings[pick]
            own = {"coding": 0, "billing": 0}
            other: Side = "billing" if step.side == "coding" else "coding"
            own[step.side] += feeling.toward
            own[other] += feeling.away
            pulls.append(FeelingPull(step.side, feeling.id, own["coding"], own["billing"]))
        return tuple(pulls)
