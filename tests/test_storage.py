"""The storage contract, run against SQLite and PostgreSQL alike so the two stay identical."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.storage import Storage, StorageError, open_storage
from bot.storage.base import SCHEMA_VERSION, Reminder
from flows.checkins import CheckinChange
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
    # Back to version 1: the table as the first release made it, without the index,
    # the reminders of version 3 or the daily counts of version 4.
    await run_sql(database_url, "DROP TABLE daily_counts")
    await run_sql(database_url, "DROP TABLE reminders")
    await run_sql(database_url, "DROP INDEX chats_updated_at")
    await run_sql(database_url, "DELETE FROM schema_version WHERE version > 1")

    reopened = open_storage(database_url)
    await reopened.open()
    assert await reopened.load(4) == ChatState(version=9, step="q3", answers=(0, 1))
    assert await reopened.waiting_reminders(due_by=2**40) == [], "the table is back"
    assert await reopened.tallies_since("2000-01-01") == [], "and this one"
    await reopened.close()
    assert sorted(await schema_versions(database_url)) == list(range(1, SCHEMA_VERSION + 1))
    await run_sql(database_url, "DROP INDEX chats_updated_at")  # it exists again
    await run_sql(database_url, "DROP INDEX reminders_due_at")


async def test_a_newer_schema_is_refused_with_a_clear_error(database_url: str) -> None:
    storage = open_storage(database_url)
    await storage.open()
    await storage.close()
    await run_sql(database_url, "INSERT INTO schema_version (version) VALUES (99)")
    with pytest.raises(StorageError, match=r"schema is version 99, newer than this code"):
        await open_storage(database_url).open()


# ---- check-ins -------------------------------------------------------------------------------

PLAN = CheckinChange(due=((30, 1000), (60, 2000), (90, 3000)), plan="veteran-coding", language="es")


def reminder(chat_id: int, day: int, due_at: int) -> Reminder:
    return Reminder(chat_id, day, due_at, "veteran-coding", "es")


async def test_check_ins_are_saved_with_the_state_or_not_at_all(storage: Storage) -> None:
    first = ChatState(version=1)
    assert await storage.save(1, first, expected_version=None, checkins=PLAN)
    assert await storage.waiting_reminders(due_by=2500) == [
        reminder(1, 30, 1000),
        reminder(1, 60, 2000),
    ]
    other = CheckinChange(due=((30, 50),), plan="remote-billing", language="en")
    assert not await storage.save(1, first.advanced(), expected_version=7, checkins=other)
    assert len(await storage.waiting_reminders(due_by=10**6)) == 3, "a lost save changes nothing"

    moved = CheckinChange(due=((60, 2100), (90, 3100)), move_only=True)
    assert await storage.save(1, first.advanced(), expected_version=1, checkins=moved)
    assert [r.due_at for r in await storage.waiting_reminders(due_by=10**6)] == [1000, 2100, 3100]

    assert await storage.save(1, ChatState(version=3), expected_version=2, checkins=CheckinChange())
    assert await storage.waiting_reminders(due_by=10**6) == [], "an empty change stops them"


async def test_a_check_in_is_claimed_by_one_process_only(
    database_url: str, clock: FakeClock
) -> None:
    first, second = open_storage(database_url, clock), open_storage(database_url, clock)
    await asyncio.gather(first.open(), second.open())
    try:
        assert await first.save(5, ChatState(version=1), expected_version=None, checkins=PLAN)
        clock.now = 1500
        assert await first.claim_reminder(5, 60, "early", 300) is None, "not due yet"
        claims = await asyncio.gather(
            *(s.claim_reminder(5, 30, f"t{i}", 300) for i, s in enumerate([first, second] * 3))
        )
        taken = [c for c in claims if c is not None]
        assert taken == [reminder(5, 30, 1000)], "exactly one claim wins"
        assert await second.waiting_reminders(due_by=1500) == [], "claimed: no one else's"
        winner = f"t{claims.index(taken[0])}"
        await second.finish_reminder(5, 30, "someone-else")
        clock.now = 1700  # within the lease
        assert await first.waiting_reminders(due_by=1700) == []
        assert await first.claim_reminder(5, 30, "late", 300) is None, "the wrong token kept it"
        await first.finish_reminder(5, 30, winner)
        clock.now = 2000
        assert await first.waiting_reminders(due_by=2000) == [reminder(5, 60, 2000)]
    finally:
        await first.close()
        await second.close()


async def test_a_claim_that_is_never_finished_runs_out(storage: Storage, clock: FakeClock) -> None:
    """A process that died after claiming: after the lease, the check-in is back."""
    assert await storage.save(5, ChatState(version=1), expected_version=None, checkins=PLAN)
    clock.now = 1000
    assert await storage.claim_reminder(5, 30, "dead", 300) is not None
    clock.now = 1299
    assert await storage.claim_reminder(5, 30, "alive", 300) is None
    clock.now = 1300
    assert await storage.waiting_reminders(due_by=1300) == [reminder(5, 30, 1000)]
    assert await storage.claim_reminder(5, 30, "alive", 300) == reminder(5, 30, 1000)
    await storage.finish_reminder(5, 30, "dead")
    assert await storage.claim_reminder(5, 30, "third", 300) is None, "still held by alive"


async def test_moving_skips_a_check_in_being_sent(storage: Storage, clock: FakeClock) -> None:
    assert await storage.save(5, ChatState(version=1), expected_version=None, checkins=PLAN)
    clock.now = 1000
    assert await storage.claim_reminder(5, 30, "sending", 300) is not None
    moved = CheckinChange(due=((30, 5000),), move_only=True)
    assert await storage.save(5, ChatState(version=2), expected_version=1, checkins=moved)
    rows = await storage.waiting_reminders(due_by=10**6)
    assert [r.day for r in rows] == [60, 90]
    assert await storage.claim_reminder(5, 30, "again", 300) is None, "still claimed"


async def test_forget_deletes_the_check_ins_too(storage: Storage) -> None:
    for chat_id in (1, 2):
        assert await storage.save(chat_id, ChatState(version=1), None, checkins=PLAN)
    await storage.forget(1)
    assert {r.chat_id for r in await storage.waiting_reminders(due_by=10**6)} == {2}


async def test_retention_spares_chats_waiting_for_a_check_in(
    storage: Storage, clock: FakeClock
) -> None:
    assert await storage.save(1, ChatState(version=1), None, checkins=PLAN)
    assert await storage.save(2, ChatState(version=1), None)
    clock.now += 400 * DAY
    assert await storage.forget_idle(180 * DAY) == 1
    assert await storage.load(1) is not None and await storage.load(2) is None
    for day in (30, 60, 90):
        assert await storage.claim_reminder(1, day, "t", 300) is not None
        await storage.finish_reminder(1, day, "t")
    assert await storage.forget_idle(180 * DAY) == 1, "once all are sent, it may go"
    assert await storage.load(1) is None


# ---- daily tallies ---------------------------------------------------------------------------


async def test_tallies_add_up_per_day_metric_and_label(storage: Storage) -> None:
    await storage.add_tallies("2026-11-25", {("ask", "salary.pay"): 1, ("ask", "no_match"): 1})
    await storage.add_tallies("2026-11-26", {("ask", "salary.pay"): 1})
    await storage.add_tallies("2026-11-26", {("ask", "salary.pay"): 2, ("start", ""): 1})
    await storage.add_tallies("2026-11-26", {})  # nothing to count: nothing changes
    await storage.add_tallies("2026-11-26", {("ask", "certs.cpc"): 0})  # nor a zero
    assert await storage.tallies_since("2026-11-26") == [
        ("2026-11-26", "ask", "salary.pay", 3),
        ("2026-11-26", "start", "", 1),
    ]
    assert await storage.tallies_since("2026-11-01") == [
        ("2026-11-25", "ask", "no_match", 1),
        ("2026-11-25", "ask", "salary.pay", 1),
        ("2026-11-26", "ask", "salary.pay", 3),
        ("2026-11-26", "start", "", 1),
    ]
    assert await storage.tallies_since("2026-11-27") == []


async def test_tallies_from_replicas_at_once_are_all_counted(database_url: str) -> None:
    replicas = [open_storage(database_url) for _ in range(3)]
    await asyncio.gather(*(replica.open() for replica in replicas))
    try:
        counts = {("ask", "no_match"): 1, ("ask", "certs.cpc"): 1}
        await asyncio.gather(
            *(replica.add_tallies("2026-11-26", counts) for replica in replicas for _ in range(5))
        )
        assert await replicas[0].tallies_since("2026-11-26") == [
            ("2026-11-26", "ask", "certs.cpc", 15),
            ("2026-11-26", "ask", "no_match", 15),
        ]
    finally:
        await asyncio.gather(*(replica.close() for replica in replicas))


async def test_forget_and_retention_leave_the_tallies(storage: Storage, clock: FakeClock) -> None:
    assert await storage.save(1, ChatState(version=1), expected_version=None)
    await storage.add_tallies("2026-11-26", {("ask", "no_match"): 1})
    await storage.forget(1)
    clock.now += 400 * DAY
    await storage.forget_idle(DAY)
    assert await storage.tallies_since("2026-01-01") == [("2026-11-26", "ask", "no_match", 1)]
