"""The user's own result, plan and check-ins: the home screen, a plan page by page (theirs
or one they are only looking at), making a plan theirs, and retaking the quiz."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.checkins import plan_key, zone_of
from flows.home.progress import first_open_phase
from flows.home.screens import Reminder
from flows.plans import Plan
from flows.replies import Outcome, Reply
from flows.schema import Track
from flows.state import ChatState
from flows.stats import PLAN, QUIZ_STARTED, Tally
from flows.steps.base import Steps, Turn


def ticks_of(state: ChatState, plan: Plan) -> int:
    return state.ticks.get(plan_key(plan.persona, plan.track), 0)


def _got_a_plan(before: ChatState, after: ChatState, persona: str) -> tuple[Tally, ...]:
    """/stats counts a plan when it becomes the user's own (their first, or one they made
    theirs), never when a plan is only looked at or is already theirs."""
    mine = (before.persona, before.plan_track) != (after.persona, after.plan_track)
    return ((PLAN, persona),) if mine else ()


class HomeSteps(Steps):
    # ---- whose plan ------------------------------------------------------------------------

    def _my_plan(self, state: ChatState, language: str) -> Plan | None:
        """The user's own plan: the one they picked first or made theirs since."""
        track = state.plan_track or state.track
        if state.persona is None or track is None:
            return None
        return self._plan(language, state.persona, track)

    @staticmethod
    def _made_mine(state: ChatState, persona: str, track: Track) -> ChatState:
        if (state.persona, state.plan_track) == (persona, track):
            return state
        return state.advanced(persona=persona, plan_track=track)

    def _reminder(
        self, state: ChatState, language: str, plan: Plan
    ) -> tuple[Reminder, Plan | None]:
        """What the page of the user's own plan says about check-ins, and the plan they
        follow if it is another one."""
        checkins = state.checkins
        if checkins is None or max(checkins.due) <= self.calendar.now():
            return "offer", None
        if checkins.plan == plan_key(plan.persona, plan.track):
            return "on", None
        return "move", self._plan_named(language, checkins.plan)

    def _plan_page(
        self, state: ChatState, language: str, plan: Plan, index: int | None, *, replace: bool
    ) -> Reply:
        mine = self._my_plan(state, language)
        ticks = ticks_of(state, plan)
        if index is None:
            index = first_open_phase(plan, ticks) if mine == plan else 0
        reminder, elsewhere = self._reminder(state, language, plan)
        return self.home_screens.plan_page(
            language,
            plan,
            index,
            ticks,
            mine=mine,
            reminder=reminder,
            checkins_plan=elsewhere,
            replace=replace,
        )

    def _open_plan(self, turn: Turn, persona: str, track: Track, *, replace: bool) -> Outcome:
        """A plan from a menu or a link: it becomes the user's plan if they have none yet;
        otherwise it is only looked at."""
        state, language = turn.state, turn.language
        plan = self.plans.compose(language, persona, track)
        moved = state
        if self._my_plan(state, language) is None:
            moved = self._made_mine(state, persona, track)
        page = self._plan_page(moved, language, plan, None, replace=replace)
        return self._say(state, page, new_state=moved, tallies=_got_a_plan(state, moved, persona))

    def _page_tap(self, turn: Turn, tap: Tap) -> tuple[Plan, int] | None:
        plan = self._plan(turn.language, *tap.args[:2])
        if plan is None or tap.number(2) >= len(plan.phases):
            return None
        return plan, tap.number(2)

    def _on_plan_page(self, turn: Turn, tap: Tap) -> Outcome:
        found = self._page_tap(turn, tap)
        if found is None:
            return self._out_of_date(turn)
        plan, index = found
        return self._say(
            turn.state, self._plan_page(turn.state, turn.language, plan, index, replace=True)
        )

    def _on_make_mine(self, turn: Turn, tap: Tap) -> Outcome:
        """Only here does another plan replace the user's own; its ticks were kept all
        along, and check-ins stay with the plan they were set for until moved."""
        found = self._page_tap(turn, tap)
        if found is None:
            return self._out_of_date(turn)
        plan, index = found
        state, language = turn.state, turn.language
        moved = self._made_mine(state, plan.persona, plan.track)
        page = self._plan_page(moved, language, plan, index, replace=True)
        notice = self.content.words(language).messages.plan.made_mine
        tallies = _got_a_plan(state, moved, plan.persona)
        return self._say(state, page, new_state=moved, notice=notice, tallies=tallies)

    def _on_my_plan(self, turn: Turn, tap: Tap) -> Outcome:
        return self._say(turn.state, self._my_plan_or_menu(turn, replace=False))

    def _my_plan_or_menu(self, turn: Turn, *, replace: bool) -> Reply:
        state, language = turn.state, turn.language
        plan = self._my_plan(state, language)
        if plan is None:
            return self._plan_menu(state, language, replace=replace)
        return self._plan_page(state, language, plan, None, replace=replace)

    def _plan_menu(self, state: ChatState, language: str, *, replace: bool) -> Reply:
        """The first step toward a plan: the persona menu once the track is known."""
        if state.track:
            return self.views.choose_persona(language, state.track, replace=replace)
        return self.views.choose_track(language, replace=replace)

    # ---- home --------------------------------------------------------------------------------

    def _headline(self, state: ChatState, language: str) -> str:
        return self.results.headline(language, self._reading(state))

    def _home(self, turn: Turn, *, replace: bool) -> Reply:
        """Home for someone with a result or a plan; the welcome for everyone else."""
        state, language = turn.state, turn.language
        plan = self._my_plan(state, language)
        if self.quiz.in_quiz(state) or (plan is None and not self._has_result(state)):
            welcome = self.views.welcome(
                language, turn.person.first_name, self.quiz.question_number(state), state.version
            )
            return Reply(welcome.text, welcome.keyboard, replace=replace)
        headline = self._headline(state, language) if self._has_result(state) else None
        return self.home_screens.home(
            language,
            turn.person.first_name,
            headline,
            plan,
            ticks_of(state, plan) if plan else 0,
            state.checkins,
            zone_of(state.timezone),
            state.version,
            replace=replace,
        )

    def _on_home(self, turn: Turn, tap: Tap) -> Outcome:
        return self._say(turn.state, self._home(turn, replace=tap.args == ("here",)))

    def _on_my_result(self, turn: Turn, tap: Tap) -> Outcome:
        if not self._has_result(turn.state):
            return self._say(turn.state, self._home(turn, replace=False))
        return self._say(turn.state, self._result(turn.state, turn.language, replace=False))

    # ---- retaking the quiz ------------------------------------------------------------------

    def _retake_confirm(self, turn: Turn, *, replace: bool) -> Outcome:
        state, language = turn.state, turn.language
        confirm = self.home_screens.retake_confirm(
            language, self._headline(state, language), state.version, replace=replace
        )
        return self._say(state, confirm)

    def _on_retake(self, turn: Turn, tap: Tap) -> Outcome:
        """Yes: the result goes and question 1 takes the place of the confirmation."""
        state, language = turn.state, turn.language
        moved = tap.number(0) == state.version and self.quiz.apply(state, "restart")
        if not moved:
            return self._out_of_date(turn)
        moved = moved.model_copy(update={"screen": turn.message_id})
        question = self.views.question(language, moved, replace=True)
        return self._say(state, question, new_state=moved, tallies=((QUIZ_STARTED, language),))
