"""The storage contract, run against SQLite and PostgreSQL alike so the two stay identical."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.storage import Storage, StorageError, open_storage
from bot.storage.base import SCHEMA_VERSION
from flows.state import ChatState
from tests.databases import run_sql

DAY = 86400


class FakeClock:
    def __init__(self, now: float = 1_700_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def storage(database_url: str, clock: FakeClock) -> AsyncIterator[Storage]:
    opened = open_storage(database_url, clock)
    await opened.open()
    yield opened
    await opened.close()


async def schema_versions(database_url: str) -> list[object]:
    return [v for (v,) in await run_sql(database_url, "SELECT version FROM schema_version")]


async def test_a_new_chat_is_inserted_once(storage: Storage) -> None:
    assert await storage.load(7) is None
    first = ChatState(version=41, step="q2", answers=(1,))
    assert await storage.save(7, first, expected_version=None)
    assert not await storage.save(7, ChatState(version=5), expected_version=None), "taken"
    assert await storage.load(7) == first


async def test_a_save_needs_the_version_it_read(storage: Storage) -> None:
    start = ChatState(version=3, step="q1")
    assert await storage.save(1, start, expected_version=None)
    moved = start.advanced(step="q2", answers=(0,))
    assert await storage.save(1, moved, expected_version=3)
    late = start.advanced(step="q2", answers=(2,))
    assert not await storage.save(1, late, expected_version=3), "a stale writer must lose"
    assert await storage.load(1) == moved
    assert not await storage.save(2, moved, expected_version=3), "no row, no update"


async def test_two_writers_from_one_version_never_both_win(database_url: str) -> None:
    first, second = open_storage(database_url), open_storage(database_url)
    await asyncio.gather(first.open(), second.open())
    try:
        base = ChatState(version=10, step="q1")
        assert await first.save(5, base, expected_version=None)
        read_by_first, read_by_second = await first.load(5), await second.load(5)
        assert read_by_first == read_by_second == base
        results = await asyncio.gather(
            first.save(5, base.advanced(answers=(0,), step="q2"), expected_version=10),
            second.save(5, base.advanced(answers=(1,), step="q2"), expected_version=10),
        )
        assert sorted(results) == [False, True]
        winner = (0,) if results[0] else (1,)
        stored = await second.load(5)
        assert stored is not None and stored.answers == winner and stored.version == 11
    finally:
        await first.close()
        await second.close()


async def test_forget_deletes_the_chat_and_nothing_else(storage: Storage) -> None:
    for chat_id in (1, 2):
        assert await storage.save(chat_id, ChatState(version=1), expected_version=None)
    await storage.forget(1)
    await storage.forget(99)  # nothing stored: nothing to do
    assert await storage.load(1) is None
    assert await storage.load(2) == ChatState(version=1)
    assert await storage.save(1, ChatState(version=8), expected_version=None), "a fresh start"


async def test_idle_chats_are_forgotten_after_the_retention_period(
    storage: Storage, clock: FakeClock
) -> None:
    assert await storage.save(1, ChatState(version=1), expected_version=None)
    clock.now += 20 * DAY
    assert await storage.save(2, ChatState(version=1), expected_version=None)
    clock.now += 5 * DAY
    assert await storage.save(3, ChatState(version=1), expected_version=None)
    assert await storage.save(1, ChatState(version=2), expected_version=1), "1 is touched again"
    clock.now += 9 * DAY

    assert await storage.forget_idle(10 * DAY) == 1
    assert await storage.load(2) is None, "untouched for 14 days"
    assert await storage.load(1) is not None and await storage.load(3) is not None
    assert await storage.forget_idle(10 * DAY) == 0


async def test_the_schema_is_created_once_even_by_replicas_starting_together(
    database_url: str,
) -> None:
    replicas = [open_storage(database_url) for _ in range(3)]
    await asyncio.gather(*(replica.open() for replica in replicas))
    await asyncio.gather(*(replica.close() for replica in replicas))
    assert sorted(await schema_versions(database_url)) == list(range(1, SCHEMA_VERSION + 1))


async def test_an_older_schema_is_upgraded_and_keeps_its_data(database_url: str) -> None:
    storage = open_storage(database_url)
    await storage.open()
    await storage.save(4, ChatState(version=9, step="q3", answers=(0, 1)), expected_version=None)
    await storage.close()
    # Back to version 1: the table as the first release made it, without the index.
    await run_sql(database_url, "DROP INDEX chats_updated_at")
    await run_sql(database_url, "DELETE FROM schema_version WHERE version > 1")

    reopened = open_storage(database_url)
    await reopened.open()
    assert await reopened.load(4) == ChatState(version=9, step="q3", answers=(0, 1))
    await reopened.close()
    assert sorted(await schema_versions(database_url)) == list(range(1, SCHEMA_VERSION + 1))
    await run_sql(database_url, "DROP INDEX chats_updated_at")  # it exists again


async def test_a_newer_schema_is_refused_with_a_clear_error(database_url: str) -> None:
    storage = open_storage(database_url)
    await storage.open()
    await storage.close()
    await run_sql(database_url, "INSERT INTO schema_version (version) VALUES (99)")
    with pytest.raises(StorageError, match=r"schema is version 99, newer than this code"):
        await open_storage(database_url).open()
