"""A typed quiz answer: "sounds fascinating" or "billing" counts as tapping the answer
whose label it matches, loosely (case, accents, emoji, small typos and extra words)."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from flows.ask.text import words

MIN_SCORE = 85  # rapidfuzz's 0-100 token-set similarity
MIN_LEAD = 10  # over the next-best answer, so "I'd rather" picks none of two "I'd rather…"
MAX_WORDS = 8  # longer than any answer label: a sentence, not an answer


def typed_option(text: str, labels: Sequence[Sequence[str]]) -> int | None:
    """The option (its index) a typed reply picks; labels: per option, its label in every
    language. None for a question ("?"), a long sentence, or no clear match."""
    typed = words(text)
    if not typed or len(typed) > MAX_WORDS or "?" in text or "¿" in text:
        return None
    typed_text = " ".join(typed)
    scores = [
        max(fuzz.token_set_ratio(typed_text, " ".join(words(label))) for label in option)
        for option in labels
    ]
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0
    if scores[best] >= MIN_SCORE and scores[best] - runner_up >= MIN_LEAD:
        return best
    return None
