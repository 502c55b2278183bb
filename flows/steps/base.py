"""What every step shares: the turn being handled and the ways to answer it."""

from __future__ import annotations

from dataclasses import dataclass

from flows.chart import ChartBook
from flows.checkins import CheckinCalendar, CheckinChange, split_plan_key
from flows.export import PlanExport
from flows.followup import FollowUpViews
from flows.guide import GuideBook
from flows.home.screens import HomeScreens
from flows.plans import Plan, PlanBook
from flows.quiz import RESULT, QuizMachine
from flows.replies import Outcome, Reply
from flows.result.reading import Reading, read
from flows.result.screens import ResultScreens
from flows.schema import TRACKS, Content
from flows.scoring import score
from flows.state import ChatState, Person
from flows.stats import Tally
from flows.tryout.model import TryoutPlan
from flows.tryout.screens import TryoutScreens
from flows.views import Views


@dataclass(frozen=True)
class Turn:
    """One update being handled: the chat's state, who sent it, and their language."""

    state: ChatState
    person: Person
    language: str
    message_id: int | None = None  # the message whose button was tapped


class Steps:
    content: Content
    quiz: QuizMachine
    plans: PlanBook
    guide: GuideBook
    charts: ChartBook
    views: Views
    calendar: CheckinCalendar
    followup: FollowUpViews
    exports: PlanExport
    tryout: TryoutPlan
    tryout_screens: TryoutScreens
    results: ResultScreens
    home_screens: HomeScreens

    def _say(
        self,
        state: ChatState,
        *replies: Reply,
        new_state: ChatState | None = None,
        notice: str | None = None,
        checkins: CheckinChange | None = None,
        tallies: tuple[Tally, ...] = (),
    ) -> Outcome:
        return Outcome(
            state=new_state or state,
            replies=replies,
            notice=notice,
            saved_state=state,
            checkins=checkins,
            tallies=tallies,
        )

    def _plan(self, language: str, persona: str, track: str) -> Plan | None:
        """The plan for a persona and track from a button or the database; None if either
        is unknown (an old button, or content that changed)."""
        if not self.plans.is_persona(persona) or track not in TRACKS:
            return None
        return self.plans.compose(language, persona, track)  # type: ignore[arg-type]

    def _plan_named(self, language: str, key: str) -> Plan | None:
        return self._plan(language, *split_plan_key(key))

    def _has_result(self, state: ChatState) -> bool:
        return state.step == RESULT and len(state.answers) == self.quiz.total

    def _reading(self, state: ChatState) -> Reading:
        """What the user's finished quiz says (state.step is RESULT), with how the tryout
        felt counted in."""
        verdict = score(self.content.quiz, state.answers, self.tryout.pulls(state))
        return read(self.content.quiz, state.answers, verdict)

    def _result(self, state: ChatState, language: str, *, replace: bool) -> Reply:
        reading = self._reading(state)
        personas = self.views.persona_buttons(language, reading.verdict.track)
        return self.results.result(language, reading, state.version, personas, replace=replace)

    def current_view(self, turn: Turn) -> Reply:
        """Where the user is now, drawn in place of the message they tapped."""
        state, language = turn.state, turn.language
        if self.quiz.in_quiz(state):
            return self.views.question(language, state, replace=True)
        if state.step == RESULT:
            return self._result(state, language, replace=True)
        welcome = self.views.welcome(language, turn.person.first_name, None, state.version)
        return Reply(welcome.text, welcome.keyboard, replace=True)

    def _out_of_date(self, turn: Turn) -> Outcome:
        """A button that no longer applies: say so, and redraw the tapped message with where
        the user is now. On the message that shows the quiz this is usually a double tap, and
        the redraw changes nothing; but if the bot died after saving a step and before editing
        the message, the redraw is what brings the screen up to date."""
        notes = self.content.words(turn.language).messages.fallback
        on_quiz_message = turn.message_id is not None and turn.message_id == turn.state.screen
        notice = notes.double_tap if on_quiz_message else notes.stale_button
        return self._say(turn.state, self.current_view(turn), notice=notice)
