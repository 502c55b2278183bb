"""/progress: the user's plan, where they are in it, with a button per step to tick it off;
and a plan exported as files."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flows.callbacks import Act, Tap, encode
from flows.checkins import plan_key, zone_of
from flows.home.progress import phase_of_step
from flows.home.steps import ticks_of
from flows.replies import Button, Outcome, Reply
from flows.stats import STEP_TICKED
from flows.steps.base import Turn
from flows.steps.plans import PlanSteps


class ProgressSteps(PlanSteps):
    def _cmd_progress(self, turn: Turn, payload: str) -> Outcome:
        state, language = turn.state, turn.language
        if self._my_plan(state, language) is None:
            menu = self._plan_menu(state, language, replace=False)
            return self._say(state, self.followup.no_plan(language, menu))
        return self._say(state, self._my_plan_or_menu(turn, replace=False))

    def _on_checklist(self, turn: Turn, tap: Tap) -> Outcome:
        """A plan's steps to tick, from a check-in or an older message: the plan where the
        user is in it, in a new message."""
        plan = self._plan(turn.language, *tap.args)
        if plan is None:
            return self._out_of_date(turn)
        page = self._plan_page(turn.state, turn.language, plan, None, replace=False)
        return self._say(turn.state, page)

    def _on_tick(self, turn: Turn, tap: Tap) -> Outcome:
        """Sets the step to what the button says (ticked or not), so a double tap, or a tap
        on an older copy of the plan, never undoes itself."""
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
        page = self._plan_page(moved, language, plan, phase_of_step(plan, index), replace=True)
        ticked_off = ((STEP_TICKED, ""),) if after > before else ()
        return self._say(state, page, new_state=moved, tallies=ticked_off)

    def _on_export(self, turn: Turn, tap: Tap) -> Outcome:
        """The plan as a Markdown file and an .ics calendar, counted from the day check-ins
        started for this plan, or else from today. The last file carries the way on."""
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
        buttons = self.content.words(language).messages.buttons
        way_on = (
            (
                Button(buttons.my_plan, encode(Act.CHECKLIST, plan.persona, plan.track)),
                Button(buttons.home, encode(Act.HOME, "new")),
            ),
        )
        replies = [Reply("", attachment=file) for file in files]
        replies[-1] = Reply("", way_on, attachment=files[-1])
        return self._say(state, *replies)
