"""The checklist quiz as a state machine, declared as a table of transitions.

States: idle → q1 → q2 → … → qN → result. Triggers:
  begin   idle or result → q1 (answers cleared)
  answer  q(i) → q(i+1), and qN → result (the answer recorded)
  back    q(i) → q(i-1) (the last answer dropped)
  restart any state → q1 (answers cleared)
The machine is built once from content/quiz.yaml and shared by every chat.
"""

from __future__ import annotations

from itertools import pairwise

from transitions import Machine, MachineError

from flows.schema import Quiz
from flows.state import ChatState

IDLE, RESULT = "idle", "result"


def question_state(number: int) -> str:
    return f"q{number}"


def transition_table(total: int) -> list[dict[str, object]]:
    questions = [question_state(n) for n in range(1, total + 1)]
    return [
        {"trigger": "begin", "source": [IDLE, RESULT], "dest": questions[0], "before": "clear"},
        *(
            {
                "trigger": "answer",
                "source": here,
                "dest": there,
                "conditions": "is_valid_option",
                "before": "record",
            }
            for here, there in zip(questions, [*questions[1:], RESULT], strict=True)
        ),
        *(
            {"trigger": "back", "source": here, "dest": there, "before": "drop_last"}
            for there, here in pairwise(questions)
        ),
        {"trigger": "restart", "source": "*", "dest": questions[0], "before": "clear"},
    ]


class _QuizRun:
    """The model the machine drives for one step: a mutable working copy of the answers."""

    def __init__(self, option_counts: list[int]) -> None:
        self.answers: list[int | None] = []
        self._option_counts = option_counts

    def is_valid_option(self, option: int) -> bool:
        question = len(self.answers)
        return question < len(self._option_counts) and 0 <= option < self._option_counts[question]

    def record(self, option: int | None = None) -> None:
        self.answers.append(option)

    def drop_last(self) -> None:
        self.answers.pop()

    def clear(self) -> None:
        self.answers.clear()


class QuizMachine:
    """Applies quiz triggers to a ChatState; returns None when a trigger is not allowed."""

    def __init__(self, quiz: Quiz) -> None:
        self.total = len(quiz.questions)
        self.states = [IDLE, *(question_state(n) for n in range(1, self.total + 1)), RESULT]
        self._option_counts = [len(q.options) for q in quiz.questions]
        # One model, reset for every step: adding a model to the machine and removing it
        # again cost 60 µs a step, five times the step itself. apply() never awaits, so
        # steps cannot interleave on it.
        self._run = _QuizRun(self._option_counts)
        self._machine = Machine(
            model=self._run,
            states=self.states,
            transitions=transition_table(self.total),
            initial=IDLE,
            auto_transitions=False,
            model_attribute="step",
        )

    def apply(self, state: ChatState, trigger: str, option: int | None = None) -> ChatState | None:
        run = self._run
        run.answers = list(state.answers)
        self._machine.set_state(state.step if state.step in self.states else IDLE, model=run)
        try:
            kwargs = {} if option is None else {"option": option}
            if not getattr(run, trigger)(**kwargs):
                return None
        except MachineError:
            return None
        return state.advanced(step=run.step, answers=tuple(run.answers), previous=())

    def allowed_triggers(self, step: str) -> list[str]:
        return self._machine.get_triggers(step)

    def question_number(self, state: ChatState) -> int | None:
        """1-based number of the question being asked, or None outside the quiz."""
        if state.step in (IDLE, RESULT) or state.step not in self.states:
            return None
        return len(state.answers) + 1

    def in_quiz(self, state: ChatState) -> bool:
        return self.question_number(state) is not None
