"""The whole conversation: what a user did (command, tap, text, media) → new state + replies.

Pure and synchronous: no I/O and no Telegram. The caller loads the state, calls one of the
entry points, saves `outcome.state` if it changed, then delivers `outcome.replies`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.callbacks import Tap, decode
from flows.plans import PlanBook
from flows.quiz import RESULT, QuizMachine
from flows.replies import Outcome, Reply
from flows.schema import TRACKS, Content, Track
from flows.scoring import score
from flows.state import ChatState, Person
from flows.views import Views

COMMANDS = ("start", "plan", "certs", "help", "restart", "forget")


@dataclass(frozen=True)
class Turn:
    """One update being handled: the chat's state, who sent it, and their language."""

    state: ChatState
    person: Person
    language: str


class Dialogue:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.quiz = QuizMachine(content.quiz)
        self.plans = PlanBook(content)
        self.views = Views(content, self.quiz.total)

    def language(self, state: ChatState, person: Person) -> str:
        if state.language in self.content.languages:
            return state.language
        code = (person.language_code or "").lower()
        for language in self.content.languages:
            if code.startswith(language):
                return language
        return self.content.default_language

    # ---- entry points ----------------------------------------------------------------------

    def command(self, state: ChatState, person: Person, name: str) -> Outcome:
        language = self.language(state, person)
        views = self.views
        if name == "start":
            number = self.quiz.question_number(state)
            return self._say(
                state, views.welcome(language, person.first_name, number, state.version)
            )
        if name == "restart":
            restarted = self.quiz.apply(state, "restart")
            assert restarted is not None, "restart is allowed from every state"
            return self._say(
                state, views.question(language, restarted, replace=False), new_state=restarted
            )
        if name == "plan":
            if state.track:
                return self._say(state, views.choose_persona(language, state.track))
            return self._say(state, views.choose_track(language))
        if name == "certs":
            return self._say(state, views.credentials_menu(language))
        if name == "help":
            return self._say(state, views.help(language))
        if name == "forget":
            return self._say(state, views.forget_confirm(language))
        return self._say(state, views.note(language, "unknown_command"))

    def tap(self, state: ChatState, person: Person, data: str | None) -> Outcome:
        turn = Turn(state, person, self.language(state, person))
        tap = decode(data)
        if tap is None:
            return self._out_of_date(turn)
        handler = getattr(self, f"_on_{tap.act.name.lower()}")
        return handler(turn, tap)

    def text(self, state: ChatState, person: Person) -> Outcome:
        language = self.language(state, person)
        if self.quiz.in_quiz(state):
            return self._say(state, self.views.question(language, state, replace=False, hint=True))
        return self._say(state, self.views.note(language, "text"))

    def media(self, state: ChatState, person: Person) -> Outcome:
        return self._say(state, self.views.note(self.language(state, person), "media"))

    # ---- taps --------------------------------------------------------------------------------

    def _on_start(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        if self.quiz.in_quiz(state):
            return self._say(state, self.views.question(language, state, replace=True))
        begun = self.quiz.apply(state, "begin")
        assert begun is not None, "begin is allowed outside the quiz"
        return self._say(state, self.views.question(language, begun, replace=True), new_state=begun)

    def _on_answer(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        moved = self._current(state, tap) and self.quiz.apply(state, "answer", tap.number(1))
        if not moved:
            return self._out_of_date(turn)
        if moved.step == RESULT:
            verdict = score(self.content.quiz, moved.answers)
            moved = moved.model_copy(update={"track": verdict.track})
            return self._say(
                state,
                self.views.result(language, verdict, moved.version, replace=True),
                new_state=moved,
            )
        return self._say(state, self.views.question(language, moved, replace=True), new_state=moved)

    def _on_back(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        moved = self._current(state, tap) and self.quiz.apply(state, "back")
        if not moved:
            return self._out_of_date(turn)
        return self._say(state, self.views.question(language, moved, replace=True), new_state=moved)

    def _on_start_over(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        moved = self._current(state, tap) and self.quiz.apply(state, "restart")
        if not moved:
            return self._out_of_date(turn)
        # Inside the quiz the question message turns back into question 1; from a result,
        # the result stays in the chat and the quiz starts below it.
        replace = self.quiz.in_quiz(state)
        return self._say(
            state, self.views.question(language, moved, replace=replace), new_state=moved
        )

    def _on_plan(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        persona, track = tap.args
        if not self.plans.is_persona(persona) or track not in TRACKS:
            return self._out_of_date(turn)
        chosen: Track = track  # type: ignore[assignment]
        plan = self.plans.compose(language, persona, chosen)
        changes: dict[str, object] = {}
        if state.persona != persona:
            changes["persona"] = persona
        if state.track is None:
            changes["track"] = chosen
        new_state = state.advanced(**changes) if changes else state
        return self._say(state, self.views.plan(language, plan), new_state=new_state)

    def _on_choose_track(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        track = tap.args[0]
        if track not in TRACKS:
            return self._out_of_date(turn)
        return self._say(state, self.views.choose_persona(language, track, replace=True))  # type: ignore[arg-type]

    def _on_personas(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        track = tap.args[0]
        if track not in TRACKS:
            return self._out_of_date(turn)
        return self._say(state, self.views.choose_persona(language, track))  # type: ignore[arg-type]

    def _on_credentials(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        in_place = tap.args == ("here",)
        return self._say(state, self.views.credentials_menu(language, replace=in_place))

    def _on_credential(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        credential = tap.args[0]
        if credential not in {c.id for c in self.content.credentials.credentials}:
            return self._out_of_date(turn)
        return self._say(state, self.views.credential(language, credential))

    def _on_compare(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        return self._say(state, self.views.compare_credentials(language))

    def _on_forget(self, turn: Turn, tap: Tap) -> Outcome:
        if tap.args == ("no",):
            return self._say(turn.state, self.views.forget_answer(turn.language, erased=False))
        answer = self.views.forget_answer(turn.language, erased=True)
        return Outcome(state=ChatState(), replies=(answer,), erase=True)

    # ---- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _current(state: ChatState, tap: Tap) -> bool:
        """Whether a quiz button was drawn for the state as it is now."""
        return tap.number(0) == state.version

    def _say(
        self,
        state: ChatState,
        *replies: Reply,
        new_state: ChatState | None = None,
        notice: str | None = None,
    ) -> Outcome:
        return Outcome(state=new_state or state, replies=replies, notice=notice, saved_state=state)

    def current_view(self, turn: Turn) -> Reply:
        """Where the user is now, drawn in place of the message they tapped."""
        state, language = turn.state, turn.language
        if self.quiz.in_quiz(state):
            return self.views.question(language, state, replace=True)
        if state.step == RESULT:
            verdict = score(self.content.quiz, state.answers)
            return self.views.result(language, verdict, state.version, replace=True)
        welcome = self.views.welcome(language, turn.person.first_name, None, state.version)
        return Reply(welcome.text, welcome.keyboard, replace=True)

    def _out_of_date(self, turn: Turn) -> Outcome:
        notice = self.content.words(turn.language).messages.fallback.stale_button
        return self._say(turn.state, self.current_view(turn), notice=notice)
