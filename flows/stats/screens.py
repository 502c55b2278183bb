"""/stats as a screen: the report in words, and the data its chart is drawn from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from flows.ask.intents import INTENTS
from flows.ask.sections import content_sections, intent_id
from flows.callbacks import Act, encode
from flows.replies import Button, Reply
from flows.schema import Content
from flows.stats import (
    FUNNEL,
    NEITHER,
    PLAN,
    QUESTION_ANSWERED,
    QUESTION_UNMATCHED,
    QUIZ_FINISHED,
    QUIZ_STARTED,
)
from flows.stats.report import CHARTED, StatsReport

TOP_TOPICS = 3
# Results in this order first; any other label a later feature adds comes after.
RESULT_ORDER = ("coding", "billing", "both", NEITHER)

Order = Callable[[Mapping[str, int]], list[str]]


class StatsScreens:
    def __init__(self, content: Content) -> None:
        self.content = content

    def report(self, language: str, report: StatsReport) -> tuple[Reply, Reply]:
        """Two messages, each within a phone screen: the figures, then the splits (with the
        Refresh button, the newest message)."""
        words = self.content.words(language)
        stats = words.messages.stats
        week, month = report.window(7), report.window(30)
        lines = [stats.title.format(today=report.today.isoformat()), ""]
        lines += [
            stats.row.format(
                event=stats.events[event], week=week.total(event), month=month.total(event)
            )
            for event in FUNNEL
        ]
        lines += ["", stats.note]
        figures = Reply("\n".join(lines), ())
        lines = []
        tracks = {**words.messages.tracks, NEITHER: stats.neither}
        personas = {p: w.label for p, w in words.plans.personas.items()}
        languages = {
            code: other.messages.language.name for code, other in self.content.languages.items()
        }
        splits = (
            (stats.results, QUIZ_FINISHED, tracks, _ordered(RESULT_ORDER)),
            (stats.personas, PLAN, personas, _ordered(tuple(personas))),
            (stats.languages, QUIZ_STARTED, languages, _ordered(tuple(languages))),
            (stats.asked, QUESTION_ANSWERED, self._topics(language), _busiest(TOP_TOPICS)),
            (
                stats.unanswered,
                QUESTION_UNMATCHED,
                {**self._topics(language), "": stats.no_topic},
                _busiest(TOP_TOPICS),
            ),
        )
        for title, event, names, order in splits:
            lines += [title] if not lines else ["", title]
            counts, weekly = month.split(event), week.split(event)
            shown = order(counts)
            if not shown:
                lines.append(stats.nothing)
            total = sum(counts.values()) or 1
            lines += [
                stats.split_row.format(
                    label=names.get(label, label),
                    week=weekly.get(label, 0),
                    month=counts[label],
                    share=round(100 * counts[label] / total),
                )
                for label in shown
            ]
        keyboard = ((Button(stats.refresh, encode(Act.STATS)),),)
        return figures, Reply("\n".join(lines), keyboard)

    @cache  # noqa: B019 -- one StatsScreens per Dialogue, a few languages: nothing to leak
    def _topics(self, language: str) -> Mapping[str, str]:
        """What the typed questions' labels name: a section's title (its button label) or
        a request; a label no longer in the content is shown as its id."""
        request = self.content.words(language).messages.stats.request
        names = {intent_id(intent): request.format(intent=intent) for intent in INTENTS}
        names.update((s.id, s.title) for s in content_sections(self.content, language))
        return names

    def chart(self, language: str, report: StatsReport) -> dict[str, Any]:
        """What the chart shows, as plain data for the process that draws it."""
        stats = self.content.words(language).messages.stats
        return {
            "title": stats.chart_title,
            "days": [day.isoformat() for day in report.days],
            "series": [
                {"name": stats.events[event], "values": list(report.daily[event])}
                for event in CHARTED
            ],
        }

    def chart_caption(self, language: str) -> str:
        return self.content.words(language).messages.stats.chart_caption


def _ordered(known: tuple[str, ...]) -> Order:
    """Known labels in their order, then any others alphabetically; none with no count."""

    def order(counts: Mapping[str, int]) -> list[str]:
        first = [label for label in known if counts.get(label)]
        rest = sorted(label for label in counts if label not in known and counts[label])
        return first + rest

    return order


def _busiest(limit: int) -> Order:
    """The labels counted most, at most `limit` of them."""

    def order(counts: Mapping[str, int]) -> list[str]:
        busy = sorted((label for label in counts if counts[label]), key=lambda k: -counts[k])
        return busy[:limit]

    return order
