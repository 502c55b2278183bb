"""Shared fixtures: the shipped content, loaded once, a dialogue over it, the stub Bot API,
and a database of each backend."""

from __future__ import annotations

import compileall
import importlib
import re
import shutil
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from content import CONTENT_DIR
from flows.ask.understand import Reader
from flows.content import load_content
from flows.dialogue import Dialogue
from flows.schema import Content
from tests.bot_harness import PROJECT_ROOT, running_bot
from tests.databases import BACKENDS, database_for
from tests.stub_bot_api import StubBotApi

# The project's own modules, which run in the test workers and in every `python -m bot` (or
# bench bot) the tests start; test modules are left to pytest, which rewrites them.
PROJECT_PACKAGES = ("bot", "flows", "bench", "content", "tests")
_TEST_MODULE = re.compile(r"(^|/)(test_[^/]*|conftest)\.py$")


def pytest_configure(config: pytest.Config) -> None:
    """Once, in the process that starts the xdist workers, before they start."""
    if hasattr(config, "workerinput"):
        return
    _compile_project()
    if config.getoption("numprocesses", default=None):
        _rewrite_test_modules_once()


def _compile_project() -> None:
    """The suite starts `python -m bot` about a hundred times, and with
    PYTHONDONTWRITEBYTECODE set (as on our development machines) every start compiled most
    of the project again, about 0.1 s of CPU each. These are the __pycache__ files Python
    writes by itself when that is unset (git ignores them); those up to date are left alone."""
    for package in PROJECT_PACKAGES:
        compileall.compile_dir(PROJECT_ROOT / package, quiet=2, rx=_TEST_MODULE)


def _rewrite_test_modules_once() -> None:
    """Import each test module that has no rewritten copy in tests/__pycache__ yet (a fresh
    checkout's, a new one), under pytest's assertion rewriter, which then caches it: the
    workers read it from there. Otherwise each of the six workers rewrote every test module
    itself, all at once before the first test, about 3 s of CPU each."""
    tests = PROJECT_ROOT / "tests"
    cached = {pyc.name.split(".")[0] for pyc in (tests / "__pycache__").glob("*-pytest-*.pyc")}
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    try:
        for module in sorted(tests.glob("test_*.py")):
            if module.stem not in cached:
                importlib.import_module(f"tests.{module.stem}")
    finally:
        sys.dont_write_bytecode = dont_write


@pytest.hookimpl(wrapper=True)
def pytest_collection() -> Iterator[object]:
    """Keep pytest's assertion-rewritten test modules in tests/__pycache__ even when
    PYTHONDONTWRITEBYTECODE is set: rewriting them all again cost each xdist worker about
    3 s of CPU at every run."""
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    try:
        return (yield)
    finally:
        sys.dont_write_bytecode = dont_write


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the tests marked slow where each xdist worker starts, one to a worker in turn.
    Worksteal gives each worker an even, contiguous share of the list and takes work for
    idle workers from the ends of those shares, so a slow test near the end of a share
    started last and held the whole run up by its length (every worker collects, in the
    same order, so this runs in each)."""
    workers = getattr(config, "workerinput", {}).get("workercount", 0)
    slow = [item for item in items if item.get_closest_marker("slow")]
    if workers < 2 or not slow:
        return
    ordered = [item for item in items if not item.get_closest_marker("slow")]
    share = len(items) / workers
    places = sorted(
        (int(turn % workers * share) + turn // workers, turn) for turn in range(len(slow))
    )
    for place, turn in places:  # in order, so no later insert moves an earlier one
        ordered.insert(place, slow[turn])
    items[:] = ordered


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def dialogue(content: Content) -> Dialogue:
    return Dialogue(content)


@pytest.fixture(scope="session", autouse=True)
def one_question_index_per_content() -> Iterator[None]:
    """Every in-process bot builds a Dialogue, and the Dialogue the typed-question index:
    about 45 ms of CPU, a third of what a short end-to-end test costs. The index depends on
    the content alone and nothing changes it once built (Reader.read is pure), so within a
    worker the Dialogues over the same loaded content share one. (A `python -m bot` process
    builds its own, as in production.)"""
    built: dict[int, tuple[Content, Reader]] = {}

    def shared_reader(content: Content, **_: object) -> Reader:
        entry = built.get(id(content))
        if entry is None or entry[0] is not content:
            if len(built) >= 2:  # content copies broken on purpose come and go
                built.pop(next(iter(built)))
            entry = built[id(content)] = (content, Reader(content))
        return entry[1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("flows.dialogue.Reader", shared_reader)
        yield


@pytest.fixture
async def stub() -> AsyncIterator[StubBotApi]:
    """A local stub Telegram Bot API server on 127.0.0.1."""
    async with StubBotApi() as server:
        yield server


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: SQLite, then PostgreSQL (see tests/databases.py)."""
    async with database_for(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def bot(stub: StubBotApi, content: Content, database_url: str) -> AsyncIterator[None]:
    """The real bot, polling the stub; afterwards, no request broke Telegram's rules and
    every button tap was answered."""
    async with running_bot(stub, content, database_url):
        yield
    stub.assert_no_violations()
    assert not stub.unanswered_callback_queries(), "every callback query must be answered"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the shipped content/ to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target
