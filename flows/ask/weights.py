"""BM25 weights: what each index term is worth in each document it occurs in.

bm25s works out every (term, document) score once, when the index is built; a question's
score for a document is then only the sum of its terms' weights there. bm25s does that
arithmetic on numpy, which would stay loaded in the serving process for good (about 11 MB of
its memory, more than the rest of the typed-question index), so the bot and the console
have bm25s weigh the corpus in a short-lived child process, or take the weights from a
cache (bot/indexer.py), and keep these plain weights; tests and the benchmarks' in-process
dialogues weigh in-process with weigh_here.
_weigh reads bm25s's index as it stores it (its `scores` arrays and `vocab_dict`);
tests/test_ask_weights.py checks every question still scores exactly as bm25s scores it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# bm25s's scores are float32, summed in float32: an array("f") rounds every sum to float32
# as it stores it, so the totals below are bm25s's own to the last bit.
_FLOAT32 = "f"


@dataclass(frozen=True)
class Corpus:
    """One language's documents as index terms, and how bm25s should weigh them."""

    documents: Sequence[Sequence[str]]
    k1: float
    b: float
    method: str

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [list(document) for document in self.documents],
            "k1": self.k1,
            "b": self.b,
            "method": self.method,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Corpus:
        return cls(data["documents"], data["k1"], data["b"], data["method"])


@dataclass(frozen=True)
class Weights:
    """One language's index: per term, the documents it occurs in and its weight there;
    and for the BM25 variants that score a document for a term it lacks (bm25l, bm25+),
    that score per term."""

    count: int  # documents
    postings: Mapping[str, tuple[Sequence[int], Sequence[float]]]
    absent: Mapping[str, float] | None = None

    def scores(self, terms: Sequence[str]) -> dict[int, float]:
        """Each document's score for the terms (a term given twice counts twice, as in
        bm25s), for the documents that have any of them; every document when a variant
        scores absent terms."""
        totals = array(_FLOAT32, bytes(4 * self.count))
        touched: set[int] = set()
        for term in terms:
            found = self.postings.get(term)
            if found is None:
                continue
            documents, weights = found
            for document, weight in zip(documents, weights, strict=True):
                totals[document] += weight
            touched.update(documents)
        if self.absent is not None:
            base = array(_FLOAT32, [0.0])
            for term in terms:
                base[0] += self.absent.get(term, 0.0)
            for document in range(self.count):
                totals[document] += base[0]
            return dict(enumerate(totals))
        return {document: totals[document] for document in sorted(touched)}

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "postings": {t: [list(d), list(w)] for t, (d, w) in self.postings.items()},
            "absent": None if self.absent is None else dict(self.absent),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Weights:
        postings = {
            term: (tuple(documents), array(_FLOAT32, weights))
            for term, (documents, weights) in data["postings"].items()
        }
        absent = data.get("absent")
        return cls(int(data["count"]), postings, None if absent is None else dict(absent))


# How the index gets its weights: every language at once, so the bot starts one child.
Weigh = Callable[[Mapping[str, Corpus]], Mapping[str, Weights]]


def weigh_here(corpora: Mapping[str, Corpus]) -> dict[str, Weights]:
    """bm25s weighs each corpus in this process (and loads numpy into it)."""
    return {language: _weigh(corpus) for language, corpus in corpora.items()}


def _weigh(corpus: Corpus) -> Weights:
    import bm25s  # here, not at the top: the serving process never loads it (see above)

    retriever = bm25s.BM25(k1=corpus.k1, b=corpus.b, method=corpus.method)
    retriever.index([list(document) for document in corpus.documents], show_progress=False)
    scores = retriever.scores
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    postings = {}
    for term, token in retriever.vocab_dict.items():
        if token + 1 >= len(indptr):  # the empty token bm25s adds, found in no document
            continue
        start, end = int(indptr[token]), int(indptr[token + 1])
        if start < end:
            postings[term] = (
                tuple(int(i) for i in indices[start:end]),
                array(_FLOAT32, (float(w) for w in data[start:end])),
            )
    absent = None
    if retriever.nonoccurrence_array is not None:
        vocabulary = retriever.vocab_dict.items()
        absent = {
            term: float(retriever.nonoccurrence_array[token])
            for term, token in vocabulary
            if token < len(retriever.nonoccurrence_array)
        }
    return Weights(int(scores["num_docs"]), postings, absent)
