"""One BM25 index per language over every section's chunks and its hand-written asks,
built once at start-up; misspelled words are corrected against the index's own words."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from flows.ask.sections import Section, content_sections, intent_id
from flows.ask.text import Analyzer, words
from flows.ask.weights import Corpus, Weigh, Weights, weigh_here
from flows.schema import Content

INTENT_PREFIX = intent_id("")
# Only so much of a message is read: a question is a sentence or two, and a wall of text
# (Telegram allows 4,096 characters) must not cost more CPU than one.
MAX_QUESTION = 500
MAX_WORDS = 40
MAX_WORD = 24  # longer "words" ("aaaa…") are not spelling-corrected
CLOSE_TO_BEST = 0.6  # a chunk scoring this share of the best one's may answer instead


@dataclass(frozen=True)
class Settings:
    """How the index ranks; the defaults are what bench/questions.py measured best."""

    k1: float = 1.2
    b: float = 0.75
    method: Literal["lucene", "robertson", "atire", "bm25l", "bm25+"] = "lucene"
    # "separate": each ask is a document of its own; "joined": a section's asks are added
    # to each of its chunks; "none": content only.
    asks: Literal["separate", "joined", "none"] = "separate"
    fuzzy: bool = True
    stopwords: bool = True
    # A section scores as its best document ("max"), or the sum of them ("sum").
    aggregate: Literal["max", "sum"] = "max"
    # Sections ranked by their BM25 score times their coverage of the question, so one
    # that answers all of it beats one that matches a single word many times; or by the
    # score alone.
    by_coverage: bool = True


@dataclass(frozen=True)
class Match:
    section: Section
    score: float
    chunk: int  # the section's best-matching chunk; -1 for a section without chunks
    # How much of the question the section covers: the share of the question's terms it
    # has, each weighted by its rarity (IDF), a word the index has never seen weighing as
    # much as the rarest. 1.0: every word of the question is in the section.
    coverage: float


@dataclass(frozen=True)
class Ranking:
    matches: tuple[Match, ...]  # best first, only sections that share a term with the question
    terms: int  # how many index terms the question has
    known: int  # how many of them the index knows (after correcting misspellings)
    topical: int = 0  # how many known ones are more than question words ("what", "how")

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class _Documents:
    """One language's sections and the documents (as index terms) made of them."""

    sections: list[Section]
    documents: list[list[str]]
    owners: list[int]  # per document: its section's position
    chunk_of: list[int]  # per document: its chunk, or -1 for an ask

    @classmethod
    def of(
        cls,
        sections: Sequence[Section],
        asks: Mapping[str, Sequence[str]],
        analyzer: Analyzer,
        settings: Settings,
    ) -> _Documents:
        intents = [
            Section(id=key, kind="intent", title="", heading="")
            for key in asks
            if key.startswith(INTENT_PREFIX)
        ]
        corpus = cls([*sections, *intents], [], [], [])
        for position, section in enumerate(corpus.sections):
            section_asks = list(asks.get(section.id, ())) if settings.asks != "none" else []
            joined = " ".join(section_asks) if settings.asks == "joined" else ""
            texts = [(f"{text} {joined}", n) for n, text in enumerate(section.chunks)]
            if settings.asks == "separate" or not section.chunks:
                texts += [(text, -1) for text in section_asks]
            for text, n in texts:
                corpus.documents.append(analyzer.terms(text))
                corpus.owners.append(position)
                corpus.chunk_of.append(n)
        return corpus


class LanguageIndex:
    def __init__(
        self,
        analyzer: Analyzer,
        corpus: _Documents,
        weights: Weights,
        asks: Mapping[str, Sequence[str]],
        settings: Settings,
    ) -> None:
        self.language = analyzer.language
        self.settings = settings
        self.analyzer = analyzer
        self.sections = corpus.sections
        documents = corpus.documents
        section_terms = [set[str]() for _ in self.sections]
        for document, owner in zip(documents, corpus.owners, strict=True):
            section_terms[owner].update(document)
        # The sections each term appears in, to weigh a question's coverage of every section
        # at once.
        self._term_sections: dict[str, list[int]] = {}
        for position, held in enumerate(section_terms):
            for term in held:
                self._term_sections.setdefault(term, []).append(position)
        frequency = Counter(t for document in documents for t in set(document))
        count = len(documents)
        self._idf = {t: _idf(n, count) for t, n in frequency.items()}
        self._unseen_idf = _idf(0, count)
        self._owners = tuple(corpus.owners)
        self._chunk_of = tuple(corpus.chunk_of)
        self._weights = weights
        self._terms = frozenset(t for document in documents for t in document)
        # Every word the index was built from, to correct misspellings against.
        spelled = {w for s in self.sections for c in s.chunks for w in words(c)}
        spelled |= {w for texts in asks.values() for t in texts for w in words(t)}
        self.spelled = frozenset(spelled)
        spellings = sorted(w for w in spelled if len(w) > 3 and self.analyzer.keeps(w))
        # For each length of word to correct, only the spellings near enough in length to be
        # within its edit distance, in the same order: the same correction for a few of the
        # comparisons.
        self._spellings = {
            length: [w for w in spellings if abs(len(w) - length) <= _edits_allowed(length)]
            for length in range(4, MAX_WORD + 1)
        }
        # Each section's documents that are chunks of its text (not its sample questions).
        chunk_documents: list[list[int]] = [[] for _ in self.sections]
        for document, (owner, chunk) in enumerate(zip(self._owners, self._chunk_of, strict=True)):
            if chunk >= 0:
                chunk_documents[owner].append(document)
        self._chunk_documents = chunk_documents

    def query_terms(self, text: str) -> tuple[list[str], int]:
        """The question's index terms, misspellings corrected (a term the index does not
        know is kept as it is, as "#word", so it counts against the coverage); and how many
        known terms are topical, not mere question words."""
        terms, topical = [], 0
        for word in words(text[:MAX_QUESTION])[:MAX_WORDS]:
            if not self.analyzer.keeps(word):
                continue
            term = self.analyzer.stem(word)
            if term not in self._terms and self.settings.fuzzy:
                term = self._correct(word) or term
            known = term in self._terms
            terms.append(term if known else f"#{word}")
            topical += known and self.analyzer.topical(word)
        return terms, topical

    def _correct(self, word: str) -> str | None:
        """The stem of the index word closest to a misspelled one: one edit away (a swap
        of two letters counts as one), two for words of eight letters or more; a word of
        four letters only for two letters swapped ("mcuh"), as one edit turns too many
        short words into others ("game" into "name")."""
        if not 4 <= len(word) <= MAX_WORD or word.isdigit():
            return None
        found = process.extractOne(
            word,
            self._spellings[len(word)],
            scorer=OSA.distance,
            score_cutoff=_edits_allowed(len(word)),
        )
        if not found or (len(word) == 4 and sorted(found[0]) != sorted(word)):
            return None
        return self.analyzer.stem(found[0])

    def search(self, text: str, limit: int = 5) -> Ranking:
        terms, topical = self.query_terms(text)
        known = [t for t in terms if t in self._terms]
        if not known:
            return Ranking((), len(terms), 0)
        scores = self._weights.scores(known)
        by_section: dict[int, float] = {}
        add = self.settings.aggregate == "sum"
        for document, score in scores.items():
            owner = self._owners[document]
            if add:
                by_section[owner] = by_section.get(owner, 0.0) + score
            elif score > by_section.get(owner, 0.0):
                by_section[owner] = score
        weights = {t: self._idf.get(t, self._unseen_idf) for t in terms}
        total = sum(weights.values())
        covered = [0.0] * len(self.sections)
        for term, weight in weights.items():
            for position in self._term_sections.get(term, ()):
                covered[position] += weight
        coverage = {i: covered[i] / total for i in sorted(by_section) if by_section[i] > 0}
        if self.settings.by_coverage:
            rank = {i: by_section[i] * coverage[i] for i in coverage}
        else:
            rank = {i: by_section[i] for i in coverage}
        order = sorted(rank, key=lambda i: (-rank[i], i))[:limit]
        matches = tuple(
            Match(self.sections[i], by_section[i], self._best_chunk(i, scores), coverage[i])
            for i in order
        )
        return Ranking(matches, len(terms), len(known), topical)

    def _best_chunk(self, position: int, scores: Mapping[int, float]) -> int:
        """The section's chunk that answers: the first that scores close to the best (a
        page leads with its gist, and a warning further down may share more words with
        the question); its first if none shares a word."""
        candidates = self._chunk_documents[position]
        if not candidates:
            return -1
        best = max(scores.get(i, 0.0) for i in candidates)
        if best <= 0:
            return 0
        close = next(i for i in candidates if scores.get(i, 0.0) >= CLOSE_TO_BEST * best)
        return self._chunk_of[close]


def _edits_allowed(length: int) -> int:
    return 1 if length < 8 else 2


def _idf(frequency: int, documents: int) -> float:
    """Lucene's BM25 IDF, the weight bm25s gives a term by default."""
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


class AskIndex:
    """The per-language indexes, built from the loaded content; `weigh` has bm25s weigh
    every language's documents (flows/ask/weights.py says where)."""

    def __init__(
        self, content: Content, settings: Settings | None = None, weigh: Weigh = weigh_here
    ) -> None:
        self.settings = settings = settings or Settings()
        analyzers = {
            language: Analyzer(language, stopwords=settings.stopwords)
            for language in content.languages
        }
        corpora = {
            language: _Documents.of(
                content_sections(content, language),
                content.words(language).asks.asks,
                analyzer,
                settings,
            )
            for language, analyzer in analyzers.items()
        }
        weights = weigh(
            {
                language: Corpus(corpus.documents, settings.k1, settings.b, settings.method)
                for language, corpus in corpora.items()
            }
        )
        self.languages = {
            language: LanguageIndex(
                analyzers[language],
                corpus,
                weights[language],
                content.words(language).asks.asks,
                settings,
            )
            for language, corpus in corpora.items()
        }

    def search(self, text: str, language: str, limit: int = 5) -> Ranking:
        return self.languages[language].search(text, limit)
