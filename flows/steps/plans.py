"""30/60/90-day plans: the track and persona menus, and the plan itself."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.checkins import plan_key, zone_of
from flows.replies import Outcome, Reply
from flows.schema import TRACKS, Track
from flows.state import ChatState
from flows.stats import PLAN, Tally
from flows.steps.base import Steps, Turn


class PlanSteps(Steps):
    def _cmd_plan(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self._plan_menu(turn.state, turn.language, replace=False))

    def _plan_menu(self, state: ChatState, language: str, *, replace: bool) -> Reply:
        """The first step toward a plan: the persona menu once the track is known."""
        if state.track:
            return self.views.choose_persona(language, state.track, replace=replace)
        return self.views.choose_track(language, replace=replace)

    def _on_plan_menu(self, turn: Turn, tap: Tap) -> Outcome:
        return self._say(turn.state, self._plan_menu(turn.state, turn.language, replace=True))

    def _on_plan(self, turn: Turn, tap: Tap) -> Outcome:
        persona, track = tap.args
        if not self.plans.is_persona(persona) or track not in TRACKS:
            return self._out_of_date(turn)
        return self._show_plan(turn, persona, track)  # type: ignore[arg-type]

    def _show_plan(self, turn: Turn, persona: str, chosen: Track) -> Outcome:
        """The plan, remembering it as the user's current plan (and the track as theirs, if
        they had none); below it, the offer of check-ins unless they are on for it."""
        state, language = turn.state, turn.language
        plan = self.plans.compose(language, persona, chosen)
        changes: dict[str, object] = {}
        if state.persona != persona:
            changes["persona"] = persona
        if state.plan_track != chosen:
            changes["plan_track"] = chosen
        if state.track is None:
            changes["track"] = chosen
        new_state = state.advanced(**changes) if changes else state
        # A plan the user did not have before (not the same one shown again).
        tallies: tuple[Tally, ...] = ((PLAN, persona),) if changes else ()
        replies = [self.views.plan(language, plan)]
        checkins = state.checkins
        if checkins is None or max(checkins.due) <= self.calendar.now():
            scheduled = None
        elif checkins.plan == plan_key(persona, chosen):
            # already on for this plan
            return self._say(state, *replies, new_state=new_state, tallies=tallies)
        else:
            scheduled = self._plan_named(language, checkins.plan)
        zone = zone_of(state.timezone)
        replies.append(self.followup.remind_prompt(language, plan, zone, scheduled))
        return self._say(state, *replies, new_state=new_state, tallies=tallies)

    def _on_choose_track(self, turn: Turn, tap: Tap) -> Outcome:
        track = tap.args[0]
        if track not in TRACKS:
            return self._out_of_date(turn)
        menu = self.views.choose_persona(turn.language, track, replace=True)  # type: ignore[arg-type]
        return self._say(turn.state, menu)

    def _on_personas(self, turn: Turn, tap: Tap) -> Outcome:
        track = tap.args[0]
        if track not in TRACKS:
            return self._out_of_date(turn)
        return self._say(turn.state, self.views.choose_persona(turn.language, track))  # type: ignore[arg-type]
