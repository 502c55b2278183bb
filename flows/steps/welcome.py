"""/start (with its deep links) and /help."""

from __future__ import annotations

from flows.deeplinks import SHARE_PAYLOAD, DeepLink, parse_deep_link
from flows.replies import Outcome
from flows.stats import SHARED_ARRIVAL
from flows.steps.base import Turn
from flows.steps.credentials import CredentialSteps
from flows.steps.guide import GuideSteps
from flows.steps.language import LanguageSteps
from flows.steps.plans import PlanSteps
from flows.steps.quiz import QuizSteps
from flows.tryout.steps import TryoutSteps


class WelcomeSteps(QuizSteps, TryoutSteps, PlanSteps, CredentialSteps, GuideSteps, LanguageSteps):
    """The front door, which can lead straight into the quiz, the tryout, a plan, the
    credentials or a topic of the guide."""

    def _cmd_start(self, turn: Turn, payload: str) -> Outcome:
        topics = self.guide.commands
        link = parse_deep_link(payload, self.plans.persona_ids, topics) if payload else None
        if link is not None:
            return self._follow(turn, link)
        # Someone with a result or a plan comes home to it; a newcomer gets the welcome.
        arrived = ((SHARED_ARRIVAL, ""),) if payload == SHARE_PAYLOAD else ()
        return self._say(turn.state, self._home(turn, replace=False), tallies=arrived)

    def _cmd_help(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self.views.help(turn.language))

    def _follow(self, turn: Turn, link: DeepLink) -> Outcome:
        if link.target == "quiz":
            return self._begin_or_resume(turn, replace=False)
        if link.target == "try":
            return self._cmd_try(turn, "")
        if link.target == "guide" and link.topic:
            return self._guide_topic(turn, self.guide.for_command(link.topic) or link.topic)
        if link.target == "certs":
            return self._cmd_certs(turn, "")
        if link.persona is None:
            return self._cmd_plan(turn, "")
        # The link's track, else the user's result, else the track of their own plan.
        track = link.track or turn.state.track or turn.state.plan_track
        if track is None:
            choose = self.views.choose_track(turn.language, persona=link.persona)
            return self._say(turn.state, choose)
        return self._open_plan(turn, link.persona, track, replace=False)
