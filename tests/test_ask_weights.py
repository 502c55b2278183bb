"""The typed-question index's BM25 weights: bm25s's own scores to the last bit, weighed in a
child process so that the bot never loads numpy, and in-process when that child fails."""

from __future__ import annotations

import asyncio
import json
import logging
import pwd
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

import pytest

from bench.questions import questions
from bot.indexer import Indexer, cache_dir
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
    import bm25s  # here, not at the top: every test worker would load numpy

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
                pairs = zip(scores, expected, strict=True)
                assert all(abs(a - b) <= 1e-6 * abs(b) for a, b in pairs), text
            compared += 1
    assert compared > len(asked)


@pytest.fixture(scope="module")
def corpora(content: Content) -> dict[str, Corpus]:
    seen: dict[str, Corpus] = {}
    Reader(content, weigh=_recording(seen))
    return seen


def _same(found: Mapping[str, Weights], expected: Mapping[str, Weights]) -> bool:
    def plain(weights: Weights) -> object:
        postings = {t: (tuple(d), list(w)) for t, (d, w) in weights.postings.items()}
        return weights.count, postings, weights.absent

    return found.keys() == expected.keys() and all(
        plain(found[language]) == plain(weights) for language, weights in expected.items()
    )


def test_weights_cross_a_process_boundary_unchanged(corpora: dict[str, Corpus]) -> None:
    here = weigh_here(corpora)
    again = {k: Weights.from_json(json.loads(json.dumps(w.to_json()))) for k, w in here.items()}
    assert _same(again, here)
    assert _same(Indexer(None)(corpora), here), "weighed in python -m bot.indexer"


def _fail_any_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/bin/false")


def test_a_failed_indexer_child_is_logged_and_the_bot_weighs_here(
    corpora: dict[str, Corpus],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _fail_any_child(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="bot.indexer"):
        weights = Indexer(None)(corpora)
    assert _same(weights, weigh_here(corpora))
    (record,) = [r for r in caplog.records if r.name == "bot.indexer"]
    assert record.levelno == logging.WARNING
    assert "python -m bot.indexer failed (exit code 1" in record.getMessage()
    assert "salari" not in record.getMessage(), "no index terms in the log"


@pytest.fixture
def weighings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The cache's tests weigh in-process (the child has tests of its own): one entry per
    weighing the cache did not spare."""
    done: list[int] = []

    def weigh(request: bytes, corpora: Mapping[str, Corpus]) -> dict[str, Weights]:
        done.append(len(request))
        return weigh_here(corpora)

    monkeypatch.setattr(Indexer, "_weigh_in_child", staticmethod(weigh))
    return done


def test_a_restart_reads_the_weights_from_the_cache(
    corpora: dict[str, Corpus], tmp_path: Path, weighings: list[int]
) -> None:
    first = Indexer(tmp_path)(corpora)
    assert _same(Indexer(tmp_path)(corpora), first)
    assert len(weighings) == 1, "weighed once"
    (cached,) = tmp_path.iterdir()
    assert cached.suffix == ".json"

    other = {**corpora, "en": Corpus(corpora["en"].documents[1:], 1.2, 0.75, "lucene")}
    Indexer(tmp_path)(other)
    assert len(weighings) == 2, "other documents are weighed anew"


def test_bm25s_without_its_metadata_still_has_a_cache(
    corpora: dict[str, Corpus],
    tmp_path: Path,
    weighings: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_found(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_found)
    Indexer(tmp_path)(corpora)
    Indexer(tmp_path)(corpora)
    assert len(weighings) == 1


@pytest.mark.parametrize("damage", [b"", b"{", b'{"en": {"count": 1}}', b"[]"])
def test_a_damaged_cache_file_is_weighed_again_and_replaced(
    corpora: dict[str, Corpus], tmp_path: Path, weighings: list[int], damage: bytes
) -> None:
    first = Indexer(tmp_path)(corpora)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(damage)
    assert _same(Indexer(tmp_path)(corpora), first)
    assert _same(Indexer(tmp_path)(corpora), first)
    assert len(weighings) == 2, "weighed again once, then read from the repaired file"
    assert cached.read_bytes() != damage


def test_a_cache_that_cannot_be_written_costs_only_the_weighing(
    corpora: dict[str, Corpus], tmp_path: Path, weighings: list[int]
) -> None:
    blocked = tmp_path / "a-file-not-a-directory"
    blocked.write_text("")
    assert _same(Indexer(blocked)(corpora), weigh_here(corpora))
    assert _same(Indexer(blocked)(corpora), weigh_here(corpora))
    assert len(weighings) == 2


def test_the_cache_lives_in_xdgs_cache_directory_or_nowhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "careerpath-bot"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not valid, says the spec
    assert cache_dir() == tmp_path / "home" / ".cache" / "careerpath-bot"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME")

    def no_such_user(uid: int) -> None:
        raise KeyError(uid)  # a container user with no passwd entry

    monkeypatch.setattr(pwd, "getpwuid", no_such_user)
    assert cache_dir() is None, "no home: no cache, not one in the working directory"


async def test_the_running_bot_answers_typed_questions_without_numpy_loaded(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """A first start, with nothing cached: bm25s weighs the index in the child, and the bot
    caches it (every other end-to-end test starts from the cache)."""
    cache = tmp_path / "cache"
    bot = BotProcess.in_dir(stub, tmp_path, {"XDG_CACHE_HOME": str(cache)})
    user = stub.user(4301, "Ana", language_code="en")
    try:
        await bot.start()
        answer = await user.send("how much do coders make?")
        assert "(BLS, " in answer.last.text
        assert bot.process is not None
        mapped = await asyncio.to_thread(Path(f"/proc/{bot.process.pid}/maps").read_text)
        assert "numpy" not in mapped, "bm25s and numpy stay out of the bot"
        assert len(list((cache / "careerpath-bot").iterdir())) == 1
        assert (cache / "careerpath-bot").stat().st_mode & 0o077 == 0, "the bot's own"
        assert "bot.indexer" not in bot.log(), "no warning, no cache trouble"
    finally:
        await bot.stop_quietly()
    stub.assert_no_violations()
