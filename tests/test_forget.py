"""/forget and data retention: what is deleted, when, and what the user sees (both backends)."""

from __future__ import annotations

from telegram.ext import Application

from bot.app import RETENTION_JOB, STORAGE
from flows.dialogue import Dialogue
from flows.schema import Content
from flows.state import Person
from tests.bot_harness import running_bot
from tests.chat_double import DialogueUser
from tests.databases import run_sql, stored_state
from tests.stub_bot_api import FakeUser, StubBotApi


def test_forget_is_asked_first_and_erasure_is_left_to_the_caller(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    user.answer(0)
    before = user.state

    ask = user.command("forget")
    assert not ask.erase and ask.state == before, "asking changes nothing"
    assert "Delete your data?" in user.text()
    kept = user.tap("Keep my data")
    assert not kept.erase and kept.state == before
    assert kept.replies[0].replace, "the question goes away"
    assert [b.label for row in kept.replies[0].keyboard for b in row] == ["🏠 Home"], "a way on"

    user.command("forget")
    erased = user.tap("Yes, delete my data")
    assert erased.erase, "the outcome asks the caller to delete what is stored"
    assert erased.replies[0].replace
    assert [b.label for row in erased.replies[0].keyboard for b in row] == ["▶ Start the quiz"]
    assert "deleted" in erased.replies[0].text


async def answer_three(user: FakeUser) -> None:
    await user.send("/start")
    await user.tap("Start the quiz")
    for _ in range(3):
        await user.tap(user.last_message.buttons[0][0].text)


async def test_forget_deletes_everything_stored_after_confirmation(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    user, other = stub.user(5001, "Ida"), stub.user(5002, "Jo")
    async with running_bot(stub, content, database_url):
        await answer_three(user)
        await answer_three(other)
        old_question = user.last_message
        stored = await stored_state(database_url, user.chat_id)
        assert stored is not None and len(stored.answers) == 3

        ask = await user.send("/forget")
        assert "Delete your data?" in ask.last.text
        assert ask.last.button_texts() == ["🗑 Yes, delete my data", "Keep my data"]
        kept = await user.tap("Keep my data")
        assert "Nothing was deleted" in kept.last.text
        assert kept.last.button_texts() == ["🏠 Home"]
        assert await stored_state(database_url, user.chat_id) == stored

        await user.send("/forget")
        done = await user.tap("Yes, delete my data")
        assert done.callback_answer is not None
        assert "Everything I kept about this chat is deleted" in done.last.text
        assert done.last.button_texts() == ["▶ Start the quiz"]
        assert await stored_state(database_url, user.chat_id) is None
        assert await stored_state(database_url, other.chat_id) is not None, "only this chat"

        welcome = await user.send("/start")
        assert "You are on question" not in welcome.last.text, "a fresh start"
        # As many steps as before /forget (begin + 3), ending on another question: a
        # version count restarted from the same point would make the old message current.
        await user.tap("Start the quiz")
        await user.tap(user.last_message.buttons[0][0].text)
        await user.tap("◀ Back")
        await user.tap(user.last_message.buttons[0][0].text)
        now = await stored_state(database_url, user.chat_id)
        assert now is not None and now.answers == (0,)
        stale = await user.tap(old_question.buttons[1][0].text, message=old_question)
        assert stale.callback_answer and "out of date" in (stale.callback_answer.text or "")
        assert await stored_state(database_url, user.chat_id) == now, "the old message is dead"
    stub.assert_no_violations()
    assert not stub.unanswered_callback_queries()


async def run_retention_sweep(application: Application) -> None:
    assert application.job_queue is not None
    (job,) = application.job_queue.get_jobs_by_name(RETENTION_JOB)
    await job.run(application)


async def test_the_retention_sweep_forgets_chats_idle_past_the_limit(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    idle, active = stub.user(5101, "Kim"), stub.user(5102, "Lou")
    async with running_bot(stub, content, database_url, retention_days=30) as application:
        await answer_three(idle)
        await answer_three(active)
        days_ago = application.bot_data[STORAGE].now() - 31 * 86400
        await run_sql(
            database_url, f"UPDATE chats SET updated_at = {days_ago} WHERE chat_id = {idle.chat_id}"
        )
        await run_retention_sweep(application)

        assert await stored_state(database_url, idle.chat_id) is None
        assert await stored_state(database_url, active.chat_id) is not None
        welcome = await idle.send("/start")
        assert "You are on question" not in welcome.last.text
        resume = await active.send("/start")
        assert "You are on question 4 of 10" in resume.last.text


def test_after_forget_the_bot_speaks_the_language_of_the_app_again(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue, Person(first_name="Lupe", language_code="es-US"))
    user.command("language")
    user.tap("English")
    assert "From now on I write in English" in user.text()
    user.command("forget")
    done = user.tap("Yes, delete my data").replies[0]
    assert "Listo. Borré todo" in done.text
    assert "¡Hola, Lupe!" in user.command("start").replies[0].text
