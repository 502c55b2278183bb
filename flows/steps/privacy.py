"""/forget: delete everything stored about the chat, after the user confirms."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.replies import Outcome
from flows.state import ChatState
from flows.steps.base import Steps, Turn


class PrivacySteps(Steps):
    def _cmd_forget(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self.views.forget_confirm(turn.language))

    def _on_forget(self, turn: Turn, tap: Tap) -> Outcome:
        if tap.args == ("no",):
            return self._say(turn.state, self.views.forget_answer(turn.language, erased=False))
        # The chosen language is forgotten too: from here on, the language of the app.
        app_language = self.language_for(turn.person.language_code)
        answer = self.views.forget_answer(app_language, erased=True)
        # The caller deletes the stored chat instead of saving a state.
        return Outcome(state=ChatState(), replies=(answer,), erase=True)
