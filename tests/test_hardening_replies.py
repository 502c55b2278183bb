"""What users see from `python -m bot` when Telegram is awkward: callback answers that
fail, forum topics, odd names and texts, malformed Bot API replies."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from tests.bot_harness import BotProcess
from tests.quiz_routes import ROUTES, TOTAL, start_quiz
from tests.stub_bot_api import FaultKind, FaultRule, StubBotApi

SORRY = "Sorry, something went wrong"


def bot_for(stub: StubBotApi, tmp_path: Path, **env: str) -> BotProcess:
    return BotProcess.in_dir(stub, tmp_path, env)


async def test_a_callback_answer_that_fails_does_not_cancel_the_step(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = bot_for(stub, tmp_path)
    user = stub.user(4501, "Old")
    try:
        await bot.start()
        await start_quiz(user)
        stub.callback_query_lifetime = 0  # every answer is now "query is too old"
        with contextlib.suppress(AssertionError):  # the query can never be answered
            await user.tap(ROUTES["coding"][0], reply_timeout=3, until=lambda r: r.edits)
        texts = [m.text or "" for m in user.messages]
        assert f"Question 2 of {TOTAL}" in texts[-1], texts[-1][:80]
        assert not any(SORRY in t for t in texts)
    finally:
        await bot.stop_quietly()


def topic_message(chat: dict[str, object], user_id: int, text: str, thread: int) -> dict:
    return {
        "message": {
            "message_id": 10,
            "message_thread_id": thread,
            "is_topic_message": True,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Top", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        }
    }


def sends_to(stub: StubBotApi, chat_id: int) -> list[dict[str, object]]:
    return [c.params for c in stub.calls_to("sendMessage") if c.params.get("chat_id") == chat_id]


async def sent_to(stub: StubBotApi, chat_id: int) -> dict[str, object]:
    async with asyncio.timeout(10):
        while not sends_to(stub, chat_id):  # noqa: ASYNC110 - the stub has no event to await
            await asyncio.sleep(0.02)
    return sends_to(stub, chat_id)[-1]


async def test_replies_go_to_the_forum_topic_the_command_came_from(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = bot_for(stub, tmp_path)
    forum = {"id": -100777, "type": "supergroup", "title": "Career forum", "is_forum": True}
    private = {"id": 4502, "type": "private", "first_name": "Top"}
    try:
        await bot.start()
        stub.inject_update(topic_message(forum, 4502, "/start@CareerPathTestBot", thread=77))
        assert (await sent_to(stub, -100777)).get("message_thread_id") == 77
        stub.inject_update(topic_message(private, 4502, "/help", thread=5))
        assert (await sent_to(stub, 4502)).get("message_thread_id") == 5
    finally:
        await bot.stop_quietly()
    stub.assert_no_violations()


async def test_a_malformed_200_reply_to_a_send_is_retried(stub: StubBotApi, tmp_path: Path) -> None:
    bot = bot_for(stub, tmp_path)
    user = stub.user(4503, "Mal")
    try:
        await bot.start()
        rule = stub.faults.add(
            FaultRule(FaultKind.MALFORMED_OK, every_nth=1, methods={"sendMessage"})
        )
        welcome = asyncio.create_task(user.send("/start", reply_timeout=10))
        while not rule.injected:  # noqa: ASYNC110 - the stub's counter has no event to await
            await asyncio.sleep(0.01)
        stub.faults.remove(rule)
        reply = await welcome
        texts = [m.text or "" for m in reply.messages]
        assert texts and texts[-1].startswith("👋 Hi Mal!"), texts
        assert not any(SORRY in t for t in texts)
    finally:
        await bot.stop_quietly()


async def test_odd_names_get_the_normal_welcome(stub: StubBotApi, tmp_path: Path) -> None:
    bot = bot_for(stub, tmp_path)
    lone = stub.user(4504, "Ana\ud800Bel")
    huge = stub.user(4505, "N" * 5000)
    try:
        await bot.start()
        first = await lone.send("/start")
        assert first.last.text.startswith("👋 Hi Ana"), first.last.text[:40]
        second = await huge.send("/start")
        assert second.last.text.startswith("👋 Hi NNN"), second.last.text[:40]
        assert len(second.last.text) < 4096
        long_text = await huge.send("x" * 10_000)
        assert long_text.messages and SORRY not in (long_text.last.text or "")
    finally:
        await bot.stop_quietly()
