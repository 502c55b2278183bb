"""Two replicas of the bot sharing one database never lose an update (both backends).

Telegram allows one getUpdates consumer, so the test is the load balancer: it fetches the
updates and hands them to the two Applications in turn, each handling them at once (no
per-chat ordering across replicas), while both answer through the stub Bot API.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application

from bot.app import STORAGE, build_application
from bot.storage import Storage
from flows.schema import Content
from tests.bot_harness import settings_for
from tests.databases import stored_state
from tests.stub_bot_api import Button, CallbackAnswer, FakeUser, StubBotApi

# Taps on the same question at once, spread over both replicas (some are double taps).
TAPS_PER_QUESTION = 6


@dataclass
class SaveCounter:
    """Counts the saves that went through and those refused on a version conflict."""

    saved: int = 0
    conflicts: int = 0

    def watch(self, storage: Storage) -> None:
        load: Callable[..., Awaitable[object]] = storage.load
        save: Callable[..., Awaitable[bool]] = storage.save

        async def interleaved(*args: object, **kwargs: object) -> object:
            # Replicas are separate processes, so another one can write between a step's
            # read and its write. In one process, SQLite's reads and writes on the event
            # loop's thread never let that happen: give the other replica its turn here.
            state = await load(*args, **kwargs)
            await asyncio.sleep(0)
            return state

        async def counted(*args: object, **kwargs: object) -> bool:
            ok = await save(*args, **kwargs)
            if ok:
                self.saved += 1
            else:
                self.conflicts += 1
            return ok

        storage.load = interleaved  # type: ignore[method-assign]
        storage.save = counted  # type: ignore[method-assign]


@dataclass
class LoadBalancer:
    replicas: list[Application]
    handled: list[asyncio.Task[None]] = field(default_factory=list)

    async def run(self, stub: StubBotApi) -> None:
        turns = itertools.cycle(self.replicas)
        async with stub.bot() as fetcher:
            offset = 0
            while True:
                for update in await fetcher.get_updates(offset=offset, timeout=1):
                    offset = update.update_id + 1
                    replica = next(turns)
                    own = Update.de_json(update.to_dict(), replica.bot)
                    self.handled.append(asyncio.create_task(replica.process_update(own)))


@asynccontextmanager
async def two_replicas(
    stub: StubBotApi, content: Content, database_url: str, counter: SaveCounter
) -> AsyncIterator[None]:
    replicas = [build_application(settings_for(stub, database_url), content) for _ in range(2)]
    for replica in replicas:
        await replica.initialize()
        assert replica.post_init is not None
        await replica.post_init(replica)  # opens the storage
        counter.watch(replica.bot_data[STORAGE])
    balancer = LoadBalancer(replicas)
    feeding = asyncio.create_task(balancer.run(stub))
    try:
        yield
    finally:
        feeding.cancel()
        await asyncio.gather(feeding, *balancer.handled, return_exceptions=True)
        for replica in replicas:
            await replica.shutdown()
            assert replica.post_shutdown is not None
            await replica.post_shutdown(replica)


def question_number(user: FakeUser) -> int | None:
    found = re.search(r"Question (\d+) of", user.last_message.text or "")
    return int(found.group(1)) if found else None


async def tap_all_at_once(
    stub: StubBotApi, user: FakeUser, buttons: list[Button]
) -> list[CallbackAnswer | None]:
    """Every tap at once on the newest message; the bot's answer to each callback query."""
    message = user.last_message
    replies = await asyncio.gather(
        *(user.tap_data(button.callback_data or "", message=message) for button in buttons)
    )
    queries = {query.update_id: query for query in stub.callback_queries.values()}
    return [queries[r.update_id].answer for r in replies]


async def test_two_replicas_hammering_one_chat_lose_nothing(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    counter = SaveCounter()
    user = stub.user(8001, "Ola")
    notes = content.words("en").messages.fallback
    # Losing taps were on the message showing the quiz: a (calm) double-tap answer.
    calm = {notes.stale_button, notes.double_tap}
    turning_away = {ref for refs in content.quiz.result.turns_away.values() for ref in refs}
    async with two_replicas(stub, content, database_url, counter):
        await user.send("/start")
        await user.tap("Start the quiz")
        start = await stored_state(database_url, user.chat_id)
        assert start is not None

        applied: list[int] = []
        for number, question in enumerate(content.quiz.questions, start=1):
            assert question_number(user) == number
            options = [row[0] for row in user.last_message.buttons[:-1]]
            # Never an answer that turns away from a path: whichever taps win the race, the
            # result then leans somewhere and offers the personas raced on below.
            racing = [
                options[i]
                for i, option in enumerate(question.options)
                if f"{question.id}.{option.id}" not in turning_away
            ]
            taps = [racing[i % len(racing)] for i in range(TAPS_PER_QUESTION)]
            answers = await tap_all_at_once(stub, user, taps)
            assert all(answers), "every tap is answered"
            taken = [i for i, answer in enumerate(answers) if answer and answer.text is None]
            assert len(taken) == 1, f"question {number}: exactly one tap takes effect"
            assert all(a.text in calm for a in answers if a and a.text is not None)
            applied.append(options.index(taps[taken[0]]))

        assert "Your answers: roughly" in (user.last_message.text or ""), "a result"
        quiz_done = await stored_state(database_url, user.chat_id)
        assert quiz_done is not None and list(quiz_done.answers) == applied, "each answer once"

        # Unversioned steps are re-applied on a conflict, never dropped: six persona taps
        # at once, alternating two personas, each get a plan.
        personas = user.last_message.buttons[:2]
        taps = [personas[i % 2][0] for i in range(TAPS_PER_QUESTION)]
        answers = await tap_all_at_once(stub, user, taps)
        assert all(answer and answer.text is None for answer in answers)
        # The first to be saved becomes the user's plan; the others are shown to look at.
        titles = ("🗺 Your 30/60/90-day plan", "👀 Looking at a 30/60/90-day plan")
        plans = [m for m in user.messages if (m.text or "").startswith(titles)]
        assert len(plans) == TAPS_PER_QUESTION

    final = await stored_state(database_url, user.chat_id)
    assert final is not None and final.answers == quiz_done.answers
    assert final.persona in {"changer", "graduate"}
    assert final.version - start.version == counter.saved - 1, "no save was overwritten"
    assert counter.conflicts > 0, "the replicas really did race"
    assert not stub.unanswered_callback_queries()
    # Two replicas may both redraw the same question; Telegram then says "not modified",
    # which the stub keeps apart from real violations.
    assert not stub.violations
