"""`python -m bot` stopped at any moment, on both backends: restarted, it has lost no answer
the user saw acknowledged and carries on from the right question. A database it cannot use
stops it with a clear message."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest

from bot.storage import open_storage
from flows.quiz import RESULT
from flows.schema import Content
from flows.scoring import score
from tests.bot_harness import BotProcess, free_port, run_until_exit
from tests.databases import run_sql, stored_state
from tests.stub_bot_api import FakeUser, StubBotApi

# Each user's answers, by question: option indices (questions have 3 or 4 options).
INTENDED = {
    7001: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0],
    7002: [2, 2, 1, 1, 0, 0, 2, 2, 1, 1],
    7003: [1, 0, 0, 2, 2, 1, 1, 0, 0, 2],
    7004: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
}
# Seconds between firing the users' taps and kill -9: from "not fetched yet" through
# "being handled" to "long done".
KILL_DELAYS = (0.0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.2)
RESULT_HEADLINE = "Your answers: roughly"  # on every result


def question_on(text: str | None) -> int | None:
    found = re.search(r"Question (\d+) of", text or "")
    return int(found.group(1)) if found else None


def question_on_screen(user: FakeUser) -> int | None:
    """The question the user's newest message asks (None: the result, or no quiz)."""
    return question_on(user.last_message.text if user.last_message else None)


def acknowledged(user: FakeUser) -> int:
    """How many answers the user has seen the bot take: the furthest any message got."""
    seen = [0]
    for message in user.messages:
        number = question_on(message.text)
        if number is not None:
            seen.append(number - 1)
        elif RESULT_HEADLINE in (message.text or ""):
            seen.append(len(INTENDED[user.user_id]))
    return max(seen)


async def tap_intended(user: FakeUser) -> None:
    """Tap this user's answer to the question on screen, on the message showing it."""
    number = question_on_screen(user)
    if number is None:
        return
    message = user.last_message
    option = message.buttons[INTENDED[user.user_id][number - 1]][0]
    await user.tap_data(option.callback_data or "", message=message)


async def check_nothing_acknowledged_was_lost(users: list[FakeUser], database_url: str) -> None:
    for user in users:
        stored = await stored_state(database_url, user.chat_id)
        answers = list(stored.answers) if stored else []
        assert answers == INTENDED[user.user_id][: len(answers)], "only the user's own answers"
        assert len(answers) >= acknowledged(user), f"{user}: an acknowledged answer was lost"


async def check_the_dialogue_resumes(user: FakeUser, database_url: str, by_command: bool) -> None:
    """After a restart the user either taps the (perhaps outdated) question in front of them
    or sends /start and continues; either way the quiz is where the database says."""
    if by_command:
        # Taps fired before the kill but never fetched are handled first, in order.
        await user.send("/start", until=lambda replies: replies.messages)
        welcome = user.last_message.text or ""
        stored = await stored_state(database_url, user.chat_id)
        assert stored is not None
        if stored.step == RESULT:
            assert "You are on question" not in welcome
            return
        number = len(stored.answers) + 1
        assert f"You are on question {number} of 10" in welcome
        await user.tap(f"Continue from question {number}")
    else:
        await tap_intended(user)
    stored = await stored_state(database_url, user.chat_id)
    assert stored is not None
    expected = None if stored.step == RESULT else len(stored.answers) + 1
    assert question_on_screen(user) == expected, "the screen shows where the database is"


@pytest.mark.slow
async def test_kill_9_mid_quiz_loses_no_acknowledged_answer(
    stub: StubBotApi, content: Content, database_url: str, tmp_path: Path
) -> None:
    bot = BotProcess(stub, database_url, tmp_path / "bot.log")
    users = [stub.user(user_id, f"User{user_id}") for user_id in INTENDED]
    in_flight_at_kills = 0
    try:
        await bot.start()
        for user in users:
            await user.send("/start")
            await user.tap("Start the quiz")
        await bot.terminate()  # a clean restart first, then kills at every stage of a tap

        for cycle, delay in enumerate(KILL_DELAYS):
            await bot.start()
            await asyncio.gather(
                *(check_the_dialogue_resumes(u, database_url, cycle % 2 == 1) for u in users)
            )
            unanswered_before = len(stub.unanswered_callback_queries())
            # Each user taps their answer twice (a double tap), and the bot dies meanwhile.
            taps = [asyncio.create_task(tap_intended(u)) for u in users for _ in range(2)]
            await asyncio.sleep(delay)
            in_flight_at_kills += len(stub.unanswered_callback_queries()) - unanswered_before
            await bot.kill()
            for tap in taps:
                tap.cancel()
            await asyncio.gather(*taps, return_exceptions=True)
            await check_nothing_acknowledged_was_lost(users, database_url)

        await bot.start()
        for user in users:
            while question_on_screen(user) is not None:
                await tap_intended(user)
    finally:
        await bot.stop_quietly()

    assert in_flight_at_kills > 0, "some kills must catch taps in flight"
    for user in users:
        intended = INTENDED[user.user_id]
        stored = await stored_state(database_url, user.chat_id)
        assert stored is not None and list(stored.answers) == intended, "each answer once"
        assert stored.track == score(content.quiz, tuple(intended)).track
        assert any(RESULT_HEADLINE in (m.text or "") for m in user.messages)
    assert stub.token not in bot.log()


def bot_env(stub: StubBotApi, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": stub.token,
        "TELEGRAM_API_URL": stub.url,
        "DATABASE_URL": database_url,
    }


async def test_a_newer_schema_stops_the_bot_with_exit_2(
    stub: StubBotApi, database_url: str
) -> None:
    storage = open_storage(database_url)
    await storage.open()
    await storage.close()
    await run_sql(database_url, "INSERT INTO schema_version (version) VALUES (99)")
    code, output = await run_until_exit(bot_env(stub, database_url))
    assert code == 2
    assert "The database schema is version 99, newer than this code understands" in output
    assert "upgrade the bot" in output
    assert "Traceback" not in output


async def test_an_unreachable_postgresql_stops_the_bot_with_exit_2(stub: StubBotApi) -> None:
    closed_port = free_port()
    url = f"postgresql://careerpath:hunter2@127.0.0.1:{closed_port}/careerpath"
    code, output = await run_until_exit(bot_env(stub, url))
    assert code == 2
    assert f"Cannot use the PostgreSQL database at 127.0.0.1:{closed_port}/careerpath" in output
    assert "hunter2" not in output and "Traceback" not in output
