"""30/60/90-day plans: /plan, the track and persona menus, and a plan opened from them."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.home.steps import HomeSteps
from flows.replies import Outcome
from flows.schema import TRACKS
from flows.steps.base import Turn


class PlanSteps(HomeSteps):
    def _cmd_plan(self, turn: Turn, payload: str) -> Outcome:
        """The user's own plan, or the menu to pick one."""
        return self._say(turn.state, self._my_plan_or_menu(turn, replace=False))

    def _on_plan_menu(self, turn: Turn, tap: Tap) -> Outcome:
        return self._say(turn.state, self._my_plan_or_menu(turn, replace=True))

    def _on_plan(self, turn: Turn, tap: Tap) -> Outcome:
        persona, track = tap.args
        if not self.plans.is_persona(persona) or track not in TRACKS:
            return self._out_of_date(turn)
        return self._open_plan(turn, persona, track, replace=False)  # type: ignore[arg-type]

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
