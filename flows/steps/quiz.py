"""The quiz: starting, answering, going back, starting over."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.home.steps import HomeSteps
from flows.quiz import RESULT
from flows.replies import Outcome
from flows.state import ChatState
from flows.stats import NEITHER, QUIZ_FINISHED, QUIZ_STARTED
from flows.steps.base import Turn


class QuizSteps(HomeSteps):
    def _cmd_restart(self, turn: Turn, payload: str) -> Outcome:
        if self._has_result(turn.state):
            return self._retake_confirm(turn, replace=False)  # a result is never lost by accident
        restarted = self.quiz.apply(turn.state, "restart")
        assert restarted is not None, "restart is allowed from every state"
        restarted = restarted.model_copy(update={"screen": None})  # goes to a new message
        question = self.views.question(turn.language, restarted, replace=False)
        return self._say(
            turn.state, question, new_state=restarted, tallies=((QUIZ_STARTED, turn.language),)
        )

    def _begin_or_resume(self, turn: Turn, *, replace: bool) -> Outcome:
        state, language = turn.state, turn.language
        if self.quiz.in_quiz(state):
            return self._say(state, self.views.question(language, state, replace=replace))
        begun = self.quiz.apply(state, "begin")
        assert begun is not None, "begin is allowed outside the quiz"
        begun = self._on_screen(begun, turn) if replace else begun
        return self._say(
            state,
            self.views.question(language, begun, replace=replace),
            new_state=begun,
            tallies=((QUIZ_STARTED, language),),
        )

    def _on_start(self, turn: Turn, tap: Tap) -> Outcome:
        return self._begin_or_resume(turn, replace=True)

    def _on_answer(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        option = tap.number(1)
        moved = self._current(state, tap) and self.quiz.apply(state, "answer", option)
        if not moved:
            return self._out_of_date(turn)
        # Answers given before going back are marked while the user retraces them.
        retraced = state.previous[1:] if state.previous[:1] == (option,) else ()
        moved = self._on_screen(moved, turn).model_copy(update={"previous": retraced})
        if moved.step == RESULT:
            reading = self._reading(moved)
            moved = moved.model_copy(update={"track": reading.verdict.track})
            result = self._result(moved, language, replace=True)
            kind = NEITHER if reading.neither else reading.verdict.track
            finished = ((QUIZ_FINISHED, kind),)
            return self._say(state, result, new_state=moved, tallies=finished)
        return self._say(state, self.views.question(language, moved, replace=True), new_state=moved)

    def _on_back(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        moved = self._current(state, tap) and self.quiz.apply(state, "back")
        if not moved:
            return self._out_of_date(turn)
        previous = (state.answers[-1], *state.previous)
        moved = self._on_screen(moved, turn).model_copy(update={"previous": previous})
        return self._say(state, self.views.question(language, moved, replace=True), new_state=moved)

    def _on_start_over(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        if not self._current(state, tap):
            return self._out_of_date(turn)
        if self._has_result(state):
            # From the result or the home screen: confirm first, below it, so the result
            # stays in the chat.
            return self._retake_confirm(turn, replace=False)
        moved = self.quiz.apply(state, "restart")
        if not moved:
            return self._out_of_date(turn)
        # Inside the quiz the question message turns back into question 1; from a result,
        # the result stays in the chat and the quiz starts below it.
        replace = self.quiz.in_quiz(state)
        moved = (
            self._on_screen(moved, turn) if replace else moved.model_copy(update={"screen": None})
        )
        return self._say(
            state,
            self.views.question(language, moved, replace=replace),
            new_state=moved,
            tallies=((QUIZ_STARTED, language),),
        )

    @staticmethod
    def _on_screen(state: ChatState, turn: Turn) -> ChatState:
        """The quiz now lives on the tapped message."""
        return state.model_copy(update={"screen": turn.message_id})

    @staticmethod
    def _current(state: ChatState, tap: Tap) -> bool:
        """Whether a quiz button was drawn for the state as it is now."""
        return tap.number(0) == state.version
