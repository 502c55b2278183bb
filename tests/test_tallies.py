"""A step's tallies are gathered for the day it ran (UTC), after its state is saved, and
written together at the next flush; what the database refuses waits for the one after."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from bot import tallies as tallies_module
from bot.conversation import Conversation
from bot.storage import Storage, open_storage
from bot.tallies import Tallies
from flows.dialogue import Dialogue
from flows.replies import Outcome
from flows.state import ChatState

# 2026-11-26 23:59:30 UTC: still the 26th in UTC, whatever the machine's time zone.
LATE_ON_THE_26TH = 1_795_737_570


class Clock:
    now = LATE_ON_THE_26TH

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def storage(database_url: str, clock: Clock) -> AsyncIterator[Storage]:
    opened = open_storage(database_url, clock)
    await opened.open()
    yield opened
    await opened.close()


def counted(*tallies: tuple[str, str]) -> Callable[[ChatState], Outcome]:
    """A step that moves the quiz on and counts these tallies."""

    def step(state: ChatState) -> Outcome:
        return Outcome(state=state.advanced(step="q1"), saved_state=state, tallies=tallies)

    return step


async def test_a_steps_tallies_are_written_at_the_flush_for_the_day_they_ran_in_utc(
    dialogue: Dialogue, storage: Storage, clock: Clock
) -> None:
    told: list[Tallies] = []
    conversation = Conversation(dialogue, storage, on_tallies=told.append)

    await conversation.step(7, counted(("ask", "salary.pay")))
    await conversation.step(7, counted(("ask", "salary.pay")))
    await conversation.step(8, lambda state: Outcome(state=state, tallies=(("ask", "no_match"),)))
    await conversation.step(9, lambda state: Outcome(state=state))
    assert await storage.tallies_since("2026-11-01") == [], "gathered, not yet written"
    assert conversation.tallies.waiting == 3
    assert told == [(("ask", "salary.pay"),)] * 2 + [(("ask", "no_match"),)], "metrics at once"
    assert (await storage.load(7)) is not None, "the state itself was saved with its step"

    clock.now += 60  # past midnight UTC
    await conversation.step(8, lambda state: Outcome(state=state, tallies=(("ask", "no_match"),)))
    await conversation.tallies.flush()

    assert await storage.tallies_since("2026-11-26") == [
        ("2026-11-26", "ask", "no_match", 1),
        ("2026-11-26", "ask", "salary.pay", 2),
        ("2026-11-27", "ask", "no_match", 1),
    ]
    assert conversation.tallies.waiting == 0
    await conversation.tallies.flush()  # nothing new: nothing added twice
    assert len(await storage.tallies_since("2026-11-26")) == 3


async def test_tallies_the_database_refuses_wait_for_the_next_flush(
    dialogue: Dialogue, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    add_tallies = storage.add_tallies

    async def broken(day: str, counts: object) -> None:
        raise OSError("disk full")

    conversation = Conversation(dialogue, storage)
    outcome = await conversation.step(7, counted(("ask", "salary.pay"), ("ask", "no_match")))
    assert outcome.tallies == (("ask", "salary.pay"), ("ask", "no_match")), "the reply is kept"

    storage.add_tallies = broken  # type: ignore[method-assign]
    await conversation.tallies.flush()
    assert "could not add 2 tallies: OSError" in caplog.text
    assert "salary.pay" not in caplog.text, "how many, never which"
    await conversation.step(7, counted(("ask", "salary.pay")))
    assert conversation.tallies.waiting == 3

    storage.add_tallies = add_tallies  # type: ignore[method-assign]
    await conversation.tallies.flush()
    assert await storage.tallies_since("2026-11-26") == [
        ("2026-11-26", "ask", "no_match", 1),
        ("2026-11-26", "ask", "salary.pay", 2),
    ]
    assert conversation.tallies.waiting == 0


async def test_a_full_backlog_counts_what_it_holds_and_drops_new_kinds_saying_how_many(
    dialogue: Dialogue,
    storage: Storage,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tallies_module, "MAX_WAITING", 2)
    conversation = Conversation(dialogue, storage)
    await conversation.step(7, counted(("ask", "a"), ("ask", "b")))
    await conversation.step(7, counted(("ask", "c"), ("ask", "a"), ("ask", "d")))
    await conversation.tallies.flush()
    assert "dropped 2 tallies" in caplog.text
    assert await storage.tallies_since("2026-11-26") == [
        ("2026-11-26", "ask", "a", 2),
        ("2026-11-26", "ask", "b", 1),
    ]
