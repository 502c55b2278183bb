"""/try and the tryout's buttons: start or carry on, answer a task, move on from its
feedback, say how a side felt, start over, and see the result it moved."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.quiz import RESULT
from flows.replies import Outcome
from flows.state import ChatState
from flows.stats import TRY_STARTED
from flows.steps.base import Steps, Turn


class TryoutSteps(Steps):
    def _cmd_try(self, turn: Turn, payload: str) -> Outcome:
        """A new message: the running tryout where it stands, or the intro."""
        state, language = turn.state, turn.language
        if self.tryout.running(state):
            return self._say(state, self.tryout_screens.current(language, state, replace=False))
        return self._say(state, self.tryout_screens.intro(language, state))

    def _on_try_start(self, turn: Turn, tap: Tap) -> Outcome:
        """From the intro: the first task (or where the tryout stands), in its place. From
        anywhere else (the welcome, /help, the result): what /try shows, below it."""
        state, language = turn.state, turn.language
        if tap.args != ("here",):
            return self._cmd_try(turn, "")
        if self.tryout.finished(state):
            return self._say(state, self.tryout_screens.intro(language, state))
        # Beginning is saved, so the task's buttons carry the version they will be checked
        # against (a chat with nothing stored gets a new version on every update).
        begun = self.tryout.begin(state)
        # Counted once, as it begins; carrying on with a running tryout is not a new one.
        tallies = ((TRY_STARTED, language),) if begun else ()
        begun = begun or state
        screen = self.tryout_screens.current(language, begun, replace=True)
        return self._say(state, screen, new_state=begun, tallies=tallies)

    def _on_try_answer(self, turn: Turn, tap: Tap) -> Outcome:
        state = turn.state
        moved = self._tryout_current(state, tap) and self.tryout.answer(
            state, tap.number(1), tap.number(2)
        )
        if not moved:
            return self._tryout_out_of_date(turn, tap)
        reviewed = self.tryout.reviewed_task(moved)
        assert reviewed is not None, "an answer shows its feedback"
        feedback = self.tryout_screens.feedback(turn.language, moved, reviewed, replace=True)
        return self._say(state, feedback, new_state=moved)

    def _on_try_next(self, turn: Turn, tap: Tap) -> Outcome:
        state = turn.state
        moved = self._tryout_current(state, tap) and self.tryout.next(state)
        if not moved:
            return self._tryout_out_of_date(turn, tap)
        screen = self.tryout_screens.current(turn.language, moved, replace=True)
        return self._say(state, screen, new_state=moved)

    def _on_try_feel(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        moved = self._tryout_current(state, tap) and self.tryout.feel(
            state, tap.number(1), tap.number(2)
        )
        if not moved:
            return self._tryout_out_of_date(turn, tap)
        if not self.tryout.finished(moved):
            halfway = self.content.words(language).tryout.halfway
            screen = self.tryout_screens.current(language, moved, replace=True, note=halfway)
            return self._say(state, screen, new_state=moved)
        return self._tryout_finished(turn, moved)

    def _tryout_finished(self, turn: Turn, finished: ChatState) -> Outcome:
        """The closing screen. With a quiz result, the feelings now count in it: the screen
        shows the result before and after them, and the track the plans follow is updated."""
        if finished.step == RESULT:
            finished = finished.model_copy(update={"track": self._reading(finished).verdict.track})
        closing = self.tryout_screens.closing(turn.language, finished, replace=True)
        return self._say(turn.state, closing, new_state=finished)

    def _on_try_again(self, turn: Turn, tap: Tap) -> Outcome:
        state = turn.state
        if not self._tryout_current(state, tap):
            return self._tryout_out_of_date(turn, tap)
        moved = self.tryout.again(state)
        if state.step == RESULT:  # the feelings no longer count until given again
            moved = moved.model_copy(update={"track": self._reading(moved).verdict.track})
        screen = self.tryout_screens.current(turn.language, moved, replace=True)
        return self._say(state, screen, new_state=moved)

    def _tryout_out_of_date(self, turn: Turn, tap: Tap) -> Outcome:
        """A tryout button that no longer applies: say so, and redraw the tapped message with
        where the tryout is now. A tap drawn for the state just before this one is most likely
        a second tap on the same button."""
        state = turn.state
        notes = self.content.words(turn.language).messages.fallback
        double = tap.args and tap.args[0].isdigit() and tap.number(0) == state.version - 1
        notice = notes.double_tap if double else notes.stale_button
        screen = self.tryout_screens.current(turn.language, state, replace=True)
        return self._say(state, screen, notice=notice)

    @staticmethod
    def _tryout_current(state: ChatState, tap: Tap) -> bool:
        """Whether a tryout button was drawn for the state as it is now."""
        return tap.number(0) == state.version
