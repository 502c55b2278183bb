"""The career guide: its menu and each topic's pages (/roles, /salary, ...)."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.replies import Outcome, Reply
from flows.steps.base import Steps, Turn


class GuideSteps(Steps):
    def _cmd_guide(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self.views.guide_menu(turn.language))

    def _guide_topic(self, turn: Turn, topic_id: str) -> Outcome:
        """The first page of a topic, opened by its command; a topic with a chart sends it
        first, so the page with its buttons stays the newest message."""
        topic = self.guide.topic(turn.language, topic_id)
        page = self.views.guide_page(
            turn.language, topic, 0, replace=False, offer_quiz=self._offers_quiz(turn)
        )
        if not self.charts.has_chart(topic_id):
            return self._say(turn.state, page)
        chart = Reply("", attachment=self.charts.attachment(turn.language, topic_id))
        return self._say(turn.state, chart, page)

    def _on_guide_menu(self, turn: Turn, tap: Tap) -> Outcome:
        in_place = tap.args == ("here",)
        return self._say(turn.state, self.views.guide_menu(turn.language, replace=in_place))

    def _on_guide_page(self, turn: Turn, tap: Tap) -> Outcome:
        state, language = turn.state, turn.language
        topic_id, index = tap.args[0], tap.number(1)
        topic = self.guide.is_topic(topic_id) and self.guide.topic(language, topic_id)
        if not topic or index >= len(topic.pages):
            # A page that no longer exists (the guide changed): back to the menu.
            notice = self.content.words(language).messages.fallback.stale_button
            return self._say(state, self.views.guide_menu(language, replace=True), notice=notice)
        page = self.views.guide_page(
            language, topic, index, replace=True, offer_quiz=self._offers_quiz(turn)
        )
        return self._say(state, page)

    def _offers_quiz(self, turn: Turn) -> bool:
        """Whether the last page of a topic offers the quiz: not to someone who has a
        result or is taking it."""
        state = turn.state
        return not self._has_result(state) and not self.quiz.in_quiz(state)
