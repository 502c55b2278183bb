"""Typed text as the index sees it: accents and case folded, split into words, stop words
dropped, each word stemmed by the language's Snowball stemmer; and which language a
question is written in."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType

import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]+>")


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def fold(text: str) -> str:
    """Lower case, accents off, HTML tags out: "¿Cuánto GANA?" → "¿cuanto gana?"."""
    text = _TAG.sub(" ", text).casefold()
    if text.isascii():  # nothing to decompose: most English questions
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Snowball stemmer names per content language folder.
STEMMERS = {"en": "english", "es": "spanish"}
# Filler people type around a question, which would otherwise match whatever page happens
# to use it ("tell me about the CPC", "quiero saber").
_FILLER = {
    "en": "me tell about please pls plz lol u ur im want know just even actually really exactly "
    "so some thing things any kind sort hmm",
    "es": "quiero quisiera saber ver dime decir cuentame favor porfa oye pues bueno "
    "exactamente alguna algun cosa cosas tipo mmm",
}


def _bm25s_stopwords() -> ModuleType:
    """bm25s's stop word lists, read from its stopwords module alone: importing anything
    from the package runs bm25s/__init__.py, which loads numpy (see flows/ask/weights.py)."""
    spec = importlib.util.find_spec("bm25s")
    assert spec is not None and spec.submodule_search_locations, "bm25s is installed"
    path = Path(next(iter(spec.submodule_search_locations))) / "stopwords.py"
    module_spec = importlib.util.spec_from_file_location("_bm25s_stopwords", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


_BM25S = _bm25s_stopwords()
# Words too common to tell sections apart: bm25s's lists (a short one for English) and
# the filler above.
STOPWORDS = {
    "en": frozenset(_BM25S.STOPWORDS_EN) | _set(_FILLER["en"]),
    "es": frozenset(fold(w) for w in _BM25S.STOPWORDS_SPANISH) | _set(_FILLER["es"]),
}
# Words that make a question but say nothing of its topic: a question made only of them
# ("what do I do?") is not matched to a page, only to an intent ("what can you do").
QUESTION_WORDS = {
    "en": _set(
        "what whats which who how when where why do does did can could should would will "
        "you your my is are was get have has need go"
    ),
    "es": _set(
        "que como cuando donde cual cuales quien cuanto puedo puedes puede hago hacer tengo "
        "necesito es son mi tu hay"
    ),
}
# Function words that show which language a short question is written in; folded.
_MARKERS = {
    "en": _set(
        "the is are how what which who when where why do does can could should would i my "
        "you your to of and for much many with it in on an be need get make work from "
        "hi hello hey thanks thank please start help want long take have"
    ),
    "es": _set(
        "el la los las es son como que cual quien cuando donde por porque hago puedo "
        "cuanto cuantos cuanta cuesta tengo necesito quiero mi mis tu de del y para con "
        "un una en se al hola gracias ayuda empezar trabajo trabajar ganan gana dura "
        "sueldo salario curso casa"
    ),
}


def words(text: str) -> list[str]:
    """The folded words of a text, in order (single letters dropped, numbers kept)."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 or w.isdigit()]


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS[language])


class Analyzer:
    """Words → index terms for one language."""

    def __init__(self, language: str, *, stopwords: bool = True) -> None:
        self.language = language
        self._stop = STOPWORDS[language] if stopwords else frozenset()
        self._stem = _stemmer(language).stemWord

    def keeps(self, word: str) -> bool:
        return word not in self._stop

    def topical(self, word: str) -> bool:
        return not word.isdigit() and word not in QUESTION_WORDS[self.language]

    def stem(self, word: str) -> str:
        return self._stem(word)

    def terms(self, text: str) -> list[str]:
        return self.terms_of(words(text))

    def terms_of(self, folded_words: Iterable[str]) -> list[str]:
        return [self._stem(w) for w in folded_words if w not in self._stop]


def detect_language(
    text: str,
    languages: Iterable[str],
    vocabularies: Mapping[str, Collection[str]] | None = None,
) -> str | None:
    """The language a question is written in: by its function words and Spanish
    punctuation, and by the words only one language's content uses ("facturador"); None
    when it cannot tell, as with "CPC?" or "billing vs coding"."""
    found = words(text)
    scores = {
        language: 2 * sum(w in _MARKERS.get(language, ()) for w in found) for language in languages
    }
    if "es" in scores and re.search(r"[¿¡ñ]", text.lower()):
        scores["es"] += 4
    if vocabularies:
        for word in found:
            owners = [lang for lang in scores if word in vocabularies.get(lang, ())]
            if len(owners) == 1:
                scores[owners[0]] += 1
    best = max(scores.values(), default=0)
    leaders = [language for language, score in scores.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None
