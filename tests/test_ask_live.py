"""Typed questions through the real bot and the stub Telegram server: answered with
buttons that work, counted per day by section, and the words never stored."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.databases import run_sql
from tests.quiz_routes import TOTAL, start_quiz
from tests.stub_bot_api import StubBotApi

QUESTION = "how much do coders make?"


async def test_a_typed_question_is_answered_and_only_counted(
    stub: StubBotApi, bot: None, database_url: str
) -> None:
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
