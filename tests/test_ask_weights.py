"""The typed-question index's BM25 weights: bm25s's own scores to the last bit, weighed in a
child process so that the bot never loads numpy, and in-process when that child fails."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path

import bm25s
import pytest

from bench.questions import questions
from bot.indexer import IndexerChild
from flows.ask.index import Settings
from flows.ask.understand import Reader
from flows.ask.weights import Corpus, Weigh, Weights, weigh_here
from flows.schema import Content
from tests.bot_harness import BotProcess
from tests.stub_bot_api import StubBotApi


def _recording(seen: dict[str, Corpus]) -> Weigh:
    def weigh(corpora: Mapping[str, Corpus]) -> dict[str, Weights]:
        seen.update(corpora)
        return weigh_here(corpora)

    return weigh


@pytest.mark.parametrize("method", ["lucene", "bm25l"])
def test_every_question_scores_as_bm25s_scores_it(content: Content, method: str) -> None:
    seen: dict[str, Corpus] = {}
    reader = Reader(content, Settings(method=method), weigh=_recording(seen))  # type: ignore[arg-type]
    asked = [q.text for language in content.languages for q in questions(language)]
    compared = 0
    for language, corpus in seen.items():
        retriever = bm25s.BM25(k1=corpus.k1, b=corpus.b, method=corpus.method)
        retriever.index([list(d) for d in corpus.documents], show_progress=False)
        index = reader.index.languages[language]
        for text in asked:
            terms = [t for t in index.query_terms(text)[0] if t in retriever.vocab_dict]
            if not terms:
                continue
            expected = retriever.get_scores(terms).tolist()
            got = index._weights.scores(terms)
            scores = [got.get(document, 0.0) for document in range(len(expected))]
            if method == "lucene":
                assert scores == expected, text
            else:  # bm25s sums the absent terms' scores in a different order
                assert scores == pytest.approx(expected, rel=1e-6), text
            compared += 1
    assert compared > len(asked)


def test_weights_cross_a_process_boundary_unchanged(content: Content) -> None:
    seen: dict[str, Corpus] = {}
    Reader(content, weigh=_recording(seen))
    here = weigh_here(seen)
    child = IndexerChild()(seen)
    for language, weights in here.items():
        again = Weights.from_json(json.loads(json.dumps(weights.to_json())))
        for found in (again, child[language]):
            assert found.count == weights.count
            assert {t: (tuple(d), list(w)) for t, (d, w) in found.postings.items()} == {
                t: (tuple(d), list(w)) for t, (d, w) in weights.postings.items()
            }


def test_a_failed_indexer_child_is_logged_and_the_bot_weighs_here(
    content: Content, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen: dict[str, Corpus] = {}
    Reader(content, weigh=_recording(seen))
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with caplog.at_level(logging.WARNING, logger="bot.indexer"):
        weights = IndexerChild().start()(seen)
    assert weights.keys() == seen.keys()
    assert weights["en"].postings == weigh_here(seen)["en"].postings
    (record,) = [r for r in caplog.records if r.name == "bot.indexer"]
    assert record.levelno == logging.WARNING
    assert "python -m bot.indexer failed (exit code 1" in record.getMessage()
    assert "salari" not in record.getMessage(), "no index terms in the log"


async def test_the_running_bot_answers_typed_questions_without_numpy_loaded(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = BotProcess(stub, f"sqlite:///{tmp_path / 'state.sqlite3'}", tmp_path / "bot.log")
    user = stub.user(4301, "Ana", language_code="en")
    try:
        await bot.start()
        answer = await user.send("how much do coders make?")
        assert "(BLS, " in answer.last.text
        assert bot.process is not None
        mapped = await asyncio.to_thread(Path(f"/proc/{bot.process.pid}/maps").read_text)
        assert "numpy" not in mapped, "bm25s and numpy stay in the indexer's child"
        assert "bot.indexer failed" not in bot.log()
    finally:
        await bot.stop_quietly()
    stub.assert_no_violations()
