"""/language: English or Spanish, remembered for the chat."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.quiz import RESULT
from flows.replies import Outcome
from flows.stats import LANGUAGE_SET
from flows.steps.base import Steps, Turn


class LanguageSteps(Steps):
    def _cmd_language(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self.views.language_menu(turn.language))

    def _on_language(self, turn: Turn, tap: Tap) -> Outcome:
        chosen = tap.args[0]
        if chosen not in self.content.languages:
            return self._out_of_date(turn)
        state = turn.state
        moved = state if state.language == chosen else state.advanced(language=chosen)
        tallies = ((LANGUAGE_SET, chosen),) if state.language != chosen else ()
        if self.quiz.in_quiz(moved) or moved.step == RESULT:
            # The quiz (or result) now lives on this message, redrawn in the new language;
            # the confirmation is the notice on the tap, so the screen keeps its size.
            moved = moved.model_copy(update={"screen": turn.message_id})
            shown = self.current_view(Turn(moved, turn.person, chosen, turn.message_id))
            notice = self.content.words(chosen).messages.language.switched
            return self._say(state, shown, new_state=moved, notice=notice, tallies=tallies)
        if self.tryout.running(moved):  # the tryout's screen, redrawn in the new language
            shown = self.tryout_screens.current(chosen, moved, replace=True)
            notice = self.content.words(chosen).messages.language.switched
            return self._say(state, shown, new_state=moved, notice=notice, tallies=tallies)
        reply = self.views.language_switched(chosen)
        return self._say(state, reply, new_state=moved, tallies=tallies)
