"""python -m bench.questions: how well typed questions are answered, per language.

Plays every question of tests/data/questions_<language>.yaml through the same reader the bot
uses (flows/ask) and prints, per language, the share answered right at the first answer and
the share whose right section is within three (the answer and its two "Related" buttons, or
the three "Did you mean" buttons). Deterministic: tests/test_ask_questions.py asserts the
same figures. --compare ranks a few index settings side by side; --misses lists the
questions answered wrong.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from flows.ask.index import Settings
from flows.ask.text import detect_language
from flows.ask.understand import Reader, Thresholds, Understanding
from flows.content import load_content
from flows.schema import Content

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# What a question's `expect` says when the guide should not answer it.
NOT_ANSWERED = ("off_topic", "safety")


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    language: str
    total: int
    first: int  # right at the first answer
    within_three: int
    misses: tuple[tuple[Question, Understanding], ...]

    @property
    def first_share(self) -> float:
        return self.first / self.total

    @property
    def within_three_share(self) -> float:
        return self.within_three / self.total


def questions(language: str) -> list[Question]:
    with (DATA / f"questions_{language}.yaml").open(encoding="utf-8") as handle:
        return [Question(item["q"], tuple(item["expect"])) for item in yaml.safe_load(handle)]


def candidates(understanding: Understanding, *, first_only: bool) -> list[str]:
    """The section ids (or off_topic, safety) a reply offers, the answer first."""
    if understanding.kind in NOT_ANSWERED:
        return [understanding.kind]
    offered = [understanding.section] if understanding.section else []
    if first_only:
        return [s.id for s in offered] if understanding.kind != "suggest" else []
    return [s.id for s in (*offered, *understanding.others)][:3]


def score(reader: Reader, language: str) -> Score:
    asked = questions(language)
    first = within = 0
    misses = []
    for question in asked:
        # Asked in a chat set to the other language: the question's own language must win.
        other = next((lang for lang in reader.languages if lang != language), language)
        understanding = reader.read(question.text, other)
        right_first = bool(set(candidates(understanding, first_only=True)) & set(question.expect))
        right_within = bool(set(candidates(understanding, first_only=False)) & set(question.expect))
        # In its own language, unless nothing in it says which ("billing vs coding"):
        # then the chat's language is as right.
        vocabularies = {code: index.spelled for code, index in reader.index.languages.items()}
        told = detect_language(question.text, reader.languages, vocabularies) is not None
        right_language = understanding.language == language or not told
        right_first = right_first and right_language
        first += right_first
        within += right_within and right_language
        if not right_first:
            misses.append((question, understanding))
    return Score(language, len(asked), first, within, tuple(misses))


def report(content: Content, settings: Settings, thresholds: Thresholds) -> list[Score]:
    reader = Reader(content, settings, thresholds)
    return [score(reader, language) for language in content.languages]


VARIANTS: dict[str, Settings] = {
    "default": Settings(),
    "k1=1.5 b=0.75": Settings(k1=1.5),
    "k1=0.9 b=0.4": Settings(k1=0.9, b=0.4),
    "k1=1.2 b=0.3": Settings(b=0.3),
    "robertson": Settings(method="robertson"),
    "atire": Settings(method="atire"),
    "bm25+": Settings(method="bm25+"),
    "bm25l": Settings(method="bm25l"),
    "asks joined to chunks": Settings(asks="joined"),
    "no asks": Settings(asks="none"),
    "no fuzzy correction": Settings(fuzzy=False),
    "no stop words": Settings(stopwords=False),
    "sum over documents": Settings(aggregate="sum"),
    "ranked by score only": Settings(by_coverage=False),
}


def line(name: str, scores: list[Score]) -> str:
    cells = "  ".join(
        f"{s.language}: {s.first_share:6.1%} {s.within_three_share:6.1%}" for s in scores
    )
    return f"{name:<24} {cells}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.questions", description=__doc__)
    parser.add_argument("--compare", action="store_true", help="rank index settings")
    parser.add_argument("--misses", action="store_true", help="list wrong first answers")
    args = parser.parse_args(argv)
    content = load_content()
    counts = ", ".join(f"{lang} {len(questions(lang))}" for lang in content.languages)
    print(f"questions: {counts} (each asked in a chat set to the other language)")
    print(f"{'':<24} " + "  ".join(f"{lang}:  first  within 3" for lang in content.languages))
    variants = VARIANTS if args.compare else {"default": Settings()}
    for name, settings in variants.items():
        scores = report(content, settings, Thresholds())
        print(line(name, scores))
        if args.misses and name == "default":
            for s in scores:
                for question, understanding in s.misses:
                    got = candidates(understanding, first_only=False)
                    print(
                        f"  {s.language} {question.text!r}: want {'/'.join(question.expect)}, "
                        f"got {understanding.kind} {understanding.language} {got}"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
