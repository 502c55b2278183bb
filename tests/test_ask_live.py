"""Typed questions through the real bot and the stub Telegram server: answered with
buttons that work, counted per day by section, and the words never stored."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.tallies import FLUSH_SECONDS
from flows.schema import Content
from tests.bot_harness import running_bot
from tests.databases import run_sql
from tests.quiz_routes import TOTAL, start_quiz
from tests.stub_bot_api import StubBotApi

QUESTION = "how much do coders make?"


async def test_a_typed_question_is_answered_and_only_counted(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    async with running_bot(stub, content, database_url):
        user = stub.user(4001, "Ana", language_code="en")
        answer = await user.send(QUESTION)
        assert len(answer.messages) == 1
        assert "(BLS, " in answer.last.text, "the figure comes with its source"
        labels = answer.last.button_texts()
        assert labels[0] == "📖 Read the full page" and len(labels) >= 3

        page = await user.tap("📖 Read the full page")
        assert not page.messages and len(page.edits) == 1, "the answer turns into the full page"
        assert "Page 1 of" in page.last.text

        spanish = await user.send("¿puedo trabajar desde casa?")
        assert spanish.last.button_texts()[0] == "📖 Leer la página completa"
        await user.send("tell me a joke")

        await start_quiz(user)
        during = await user.send(QUESTION)
        assert len(during.messages) == 2, "a short answer, then the question again"
        assert f"Question 1 of {TOTAL}" in during.last.text
        await user.tap(during.last.button_texts()[0])
        assert f"Question 2 of {TOTAL}" in user.last_message.text, "the quiz carries on"

    # Stopping writes what was gathered since the last flush (bot/tallies.py).
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    rows = await run_sql(database_url, "SELECT day, metric, label, count FROM daily_counts")
    assert sorted(rows) == [
        (today, "ask", "jobs.remote", 1),
        (today, "ask", "no_match", 1),
        (today, "ask", "salary.federal", 2),
        (today, "quiz_started", "en", 1),  # the quiz started with its button (/stats)
    ]
    stored = await run_sql(database_url, "SELECT state FROM chats")
    assert all("coders" not in str(state) for (state,) in stored), "what was typed is not kept"
    stub.assert_no_violations()
    assert not stub.unanswered_callback_queries(), "every callback query must be answered"


async def test_a_running_bot_writes_its_tallies_within_seconds(
    stub: StubBotApi, bot: None, database_url: str
) -> None:
    user = stub.user(4002, "Ana", language_code="en")
    await user.send(QUESTION)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    written = [(today, "ask", "salary.federal", 1)]
    async with asyncio.timeout(FLUSH_SECONDS + 5):
        while (  # noqa: ASYNC110 - the database has nothing to wait on
            await run_sql(database_url, "SELECT day, metric, label, count FROM daily_counts")
            != written
        ):
            await asyncio.sleep(0.1)
