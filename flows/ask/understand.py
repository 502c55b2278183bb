"""What a typed question is: an emergency, a request (an intent), a question the guide
answers, one it may answer ("did you mean…"), or something the bot cannot help with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.ask.index import AskIndex, Match, Ranking, Settings
from flows.ask.safety import Safety
from flows.ask.sections import Section
from flows.ask.text import detect_language
from flows.ask.weights import Weigh, weigh_here
from flows.schema import Content

Kind = Literal["safety", "intent", "answer", "suggest", "off_topic"]
RELATED = 2  # "Related" buttons under an answer
SUGGESTIONS = 3  # buttons under "Did you mean…"


@dataclass(frozen=True)
class Thresholds:
    """How much of a question the best section must cover (Match.coverage), as
    bench/questions.py measured on the question sets."""

    answer: float = 0.5  # the best section answers...
    suggest: float = 0.3  # ...or, down to here, "did you mean"; below it, off topic


ANSWERING = ("answer", "intent")  # readings that give the asker what they asked for


@dataclass(frozen=True)
class Understanding:
    kind: Kind
    language: str  # the question's own language
    section: Section | None = None  # the answer, or the intent
    chunk: int = -1  # the answer's best chunk
    others: tuple[Section, ...] = ()  # related sections, or the suggestions

    @property
    def label(self) -> str:
        """What the daily tally counts: the section that answered, or no_match — with the
        nearest section after a colon when there was a "did you mean" (the topic /stats
        lists among the unanswered). Only content ids, never the words typed."""
        if self.kind == "safety":
            return "safety"
        if self.kind in ("answer", "intent") and self.section is not None:
            return self.section.id
        if self.kind == "suggest" and self.others:
            return f"no_match:{self.others[0].id}"
        return "no_match"


class Reader:
    """Built once at start-up from the loaded content; read() is pure and takes well
    under a millisecond (python -m bench.asks)."""

    def __init__(
        self,
        content: Content,
        settings: Settings | None = None,
        thresholds: Thresholds | None = None,
        weigh: Weigh = weigh_here,
    ) -> None:
        self.languages = tuple(content.languages)
        self.index = AskIndex(content, settings, weigh)
        self.thresholds = thresholds or Thresholds()
        self.safety = Safety(
            phrase for words in content.languages.values() for phrase in words.asks.emergency
        )
        self._vocabularies = {code: index.spelled for code, index in self.index.languages.items()}

    def read(self, text: str, chat_language: str) -> Understanding:
        language = detect_language(text, self.languages, self._vocabularies)
        if self.safety.alarming(text):
            return Understanding("safety", language or chat_language)
        if language is not None:
            return self.decide(self.index.search(text, language), language)
        # Words both languages use ("CPC", "billing vs coding") or none at all ("1"): the
        # chat's own language, unless only another language's content can answer it. A small
        # edge in score says nothing about who is writing, so it never switches the language.
        readings = [
            self.decide(self.index.search(text, code), code)
            for code in self._chat_first(chat_language)
        ]
        return next((r for r in readings if r.kind in ANSWERING), readings[0])

    def _chat_first(self, chat_language: str) -> list[str]:
        return sorted(self.languages, key=lambda code: code != chat_language)

    def decide(self, ranking: Ranking, language: str) -> Understanding:
        limits = self.thresholds
        best = ranking.best
        if best is None or best.coverage < limits.suggest:
            return Understanding("off_topic", language)
        confident = best.coverage >= limits.answer
        if confident and best.section.kind == "intent":
            return Understanding("intent", language, best.section)
        if not ranking.topical:  # "what do I do?": no page is about that
            return Understanding("off_topic", language)
        content = [m for m in ranking.matches if m.section.kind != "intent"]
        if confident:
            others = tuple(m.section for m in content if m is not best)[:RELATED]
            return Understanding("answer", language, best.section, best.chunk, others)
        suggestions = [m for m in content if m.coverage >= limits.suggest][:SUGGESTIONS]
        if not suggestions:
            return Understanding("off_topic", language)
        return Understanding("suggest", language, others=_sections(suggestions))


def _strength(ranking: Ranking) -> tuple[float, float]:
    best = ranking.best
    return (round(best.coverage, 3), best.score) if best else (0.0, 0.0)


def _sections(matches: list[Match]) -> tuple[Section, ...]:
    return tuple(m.section for m in matches)
