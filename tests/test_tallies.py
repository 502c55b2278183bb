"""A step's tallies are added for the day it ran (UTC), after its state is saved."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.conversation import Conversation
from bot.storage import Storage, open_storage
from flows.dialogue import Dialogue
from flows.replies import Outcome
from flows.state import ChatState

# 2026-11-26 23:59:30 UTC: still the 26th in UTC, whatever the machine's time zone.
LATE_ON_THE_26TH = 1_795_737_570


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    opened = open_storage(database_url, lambda: LATE_ON_THE_26TH)
    await opened.open()
    yield opened
    await opened.close()


async def test_a_steps_tallies_are_counted_for_today_in_utc(
    dialogue: Dialogue, storage: Storage
) -> None:
    conversation = Conversation(dialogue, storage)

    def answered(state: ChatState) -> Outcome:
        moved = state.advanced(step="q1")
        return Outcome(state=moved, saved_state=state, tallies=(("ask", "salary.pay"),))

    await conversation.step(7, answered)
    await conversation.step(7, answered)
    await conversation.step(8, lambda state: Outcome(state=state, tallies=(("ask", "no_match"),)))
    await conversation.step(9, lambda state: Outcome(state=state))

    assert await storage.tallies_since("2026-11-26") == [
        ("2026-11-26", "ask", "no_match", 1),
        ("2026-11-26", "ask", "salary.pay", 2),
    ]
    assert (await storage.load(7)) is not None, "the state was saved as well"


async def test_a_tally_that_cannot_be_stored_does_not_lose_the_reply(
    dialogue: Dialogue, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(day: str, tallies: object) -> None:
        raise OSError("disk full")

    storage.add_tallies = broken  # type: ignore[method-assign]
    conversation = Conversation(dialogue, storage)
    outcome = await conversation.step(
        7, lambda state: Outcome(state=state, tallies=(("ask", "salary.pay"),))
    )
    assert outcome.tallies == (("ask", "salary.pay"),)
    assert "could not add 1 tallies" in caplog.text
    assert "salary.pay" not in caplog.text
