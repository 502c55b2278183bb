"""/progress: the plan as a checklist to tick off; and the plan exported as files."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flows.callbacks import Tap
from flows.checkins import plan_key, zone_of
from flows.plans import Plan
from flows.replies import Outcome, Reply
from flows.state import ChatState
from flows.stats import STEP_TICKED
from flows.steps.base import Turn
from flows.steps.plans import PlanSteps


def ticks_of(state: ChatState, plan: Plan) -> int:
    return state.ticks.get(plan_key(plan.persona, plan.track), 0)


class ProgressSteps(PlanSteps):
    def _cmd_progress(self, turn: Turn, payload: str) -> Outcome:
        state, language = turn.state, turn.language
        plan = self._current_plan(state, language)
        if plan is None:
            menu = self._plan_menu(state, language, replace=False)
            return self._say(state, self.followup.no_plan(language, menu))
        return self._say(state, self._checklist(state, language, plan, replace=False))

    def _on_checklist(self, turn: Turn, tap: Tap) -> Outcome:
        plan = self._plan(turn.language, *tap.args)
        if plan is None:
            return self._out_of_date(turn)
        checklist = self._checklist(turn.state, turn.language, plan, replace=False)
        return self._say(turn.state, checklist)

    def _on_tick(self, turn: Turn, tap: Tap) -> Outcome:
        """Sets the step to what the button says (ticked or not), so a double tap, or a tap
        on an older copy of the checklist, never undoes itself."""
        state, language = turn.state, turn.language
        persona, track = tap.args[:2]
        index, ticked = tap.number(2), tap.args[3] == "1"
        plan = self._plan(language, persona, track)
        if plan is None or index >= len(plan.steps()):
            return self._out_of_date(turn)
        key = plan_key(plan.persona, plan.track)
        before = state.ticks.get(key, 0)
        after = before | 1 << index if ticked else before & ~(1 << index)
        moved = state
        if after != before:
            ticks = {k: v for k, v in state.ticks.items() if k != key}
            moved = state.advanced(ticks={**ticks, key: after} if after else ticks)
        return self._say(
            state,
            self._checklist(moved, language, plan, replace=True),
            new_state=moved,
            tallies=((STEP_TICKED, ""),) if after > before else (),
        )

    def _checklist(self, state: ChatState, language: str, plan: Plan, *, replace: bool) -> Reply:
        return self.followup.checklist(language, plan, ticks_of(state, plan), replace=replace)

    def _on_export(self, turn: Turn, tap: Tap) -> Outcome:
        """The plan as a Markdown file and an .ics calendar, counted from the day check-ins
        started for this plan, or else from today."""
        state, language = turn.state, turn.language
        plan = self._plan(language, *tap.args)
        if plan is None:
            return self._out_of_date(turn)
        checkins = state.checkins
        if checkins is not None and checkins.plan == plan_key(plan.persona, plan.track):
            start = date.fromisoformat(checkins.start)
        else:
            start = self.calendar.today(zone_of(state.timezone))
        now = datetime.fromtimestamp(self.calendar.now(), UTC)
        files = self.exports.files(language, plan, ticks_of(state, plan), start, now)
        return self._say(state, *(Reply("", attachment=file) for file in files))
