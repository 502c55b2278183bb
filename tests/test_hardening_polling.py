"""`python -m bot` against the stub Bot API when polling goes wrong: an update
python-telegram-bot cannot parse, and SIGTERM with hundreds of users waiting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.logs import configure_logging
from bot.polling import HANDLED_UPDATE_TYPES
from tests.bot_harness import BotProcess
from tests.stub_bot_api import StubBotApi
from tests.stub_bot_api.faults import FaultKind, FaultRule
from tests.test_webhook import start_update

SECRET_NAME = "Zelda-Privatename"
SECRET_WORDS = "my-very-private-question"


def poisoned_message(chat_id: int) -> dict[str, Any]:
    """A message whose poll lacks fields PTB requires, as an older self-hosted Bot API
    server sends: Update.de_json raises on it."""
    person = {"id": chat_id, "is_bot": False, "first_name": SECRET_NAME}
    return {
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": SECRET_NAME},
            "from": person,
            "text": SECRET_WORDS,
            "poll": {"id": "p1", "question": SECRET_WORDS},
        }
    }


async def test_an_unparseable_update_is_skipped_confirmed_and_logged_without_content(
    stub: StubBotApi, tmp_path: Path
) -> None:
    stub.user(4101, SECRET_NAME)  # the poisoned update's chat exists
    bot = BotProcess.in_dir(stub, tmp_path, {"LOG_LEVEL": "INFO"})
    user = stub.user(4102, "Ana")
    try:
        await bot.start()
        poisoned = stub.inject_update(poisoned_message(4101))
        reply = await user.send("/start", reply_timeout=10)
        assert reply.last.text.startswith("👋 Hi Ana!"), "later updates are still handled"
        polls_before = stub.stats.requests_by_method["getUpdates"]
        await asyncio.sleep(2)
        polls = stub.stats.requests_by_method["getUpdates"] - polls_before
        assert polls < 20, f"no hot loop: {polls} getUpdates in 2 s"
        assert len(stub.update_queue) == 0, "the unparseable update was confirmed"
        assert sorted(stub.update_queue.allowed_updates or []) == sorted(HANDLED_UPDATE_TYPES)
        started = time.monotonic()
        assert await bot.terminate(wait_seconds=10) == 0
        assert time.monotonic() - started < 10

        await bot.start()  # a restart does not see it again
        again = await user.send("/help", reply_timeout=10)
        assert again.messages, "still answering after a restart"
    finally:
        await bot.stop_quietly()
    log = bot.log()
    assert f"update_id={poisoned}" in log and "type=message" in log
    assert SECRET_NAME not in log and SECRET_WORDS not in log
    assert "CRITICAL" not in log and "Traceback" not in log
    stub.assert_no_violations()


async def test_an_unparseable_update_leaves_no_content_even_at_error_level(
    stub: StubBotApi, tmp_path: Path
) -> None:
    stub.user(4103, SECRET_NAME)
    bot = BotProcess.in_dir(stub, tmp_path, {"LOG_LEVEL": "ERROR"})
    user = stub.user(4104, "Ben")
    try:
        await bot.start()
        stub.inject_update(poisoned_message(4103))
        await user.send("/start", reply_timeout=10)
        assert await bot.terminate(wait_seconds=10) == 0
    finally:
        await bot.stop_quietly()
    log = bot.log()
    assert SECRET_NAME not in log and SECRET_WORDS not in log
    assert len(log) < 2000, "a quiet log at ERROR"


@pytest.mark.slow
async def test_sigterm_with_hundreds_waiting_leaves_the_rest_to_the_next_process(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """Each of 400 users sends /start; SIGTERM arrives once some are answered. The process
    must exit within the platform's 10 s and confirm only what it answered, so after a
    restart every user has exactly one welcome."""
    users = [stub.user(450_000 + n, "Wai") for n in range(400)]
    bot = BotProcess.in_dir(stub, tmp_path)
    try:
        for user in users:
            stub.inject_update(start_update(0, user.chat_id))
        await bot.start()
        async with asyncio.timeout(20):
            while sum(1 for u in users if u.messages) < 30:  # noqa: ASYNC110 - no event
                await asyncio.sleep(0.01)
        started = time.monotonic()
        assert await bot.terminate(wait_seconds=10) == 0
        assert time.monotonic() - started < 10
        answered_first = sum(1 for u in users if u.messages)
        assert answered_first < len(users), "the test stopped the bot mid-load"

        await bot.start()
        async with asyncio.timeout(60):
            while not all(u.messages for u in users):  # noqa: ASYNC110 - no event to await
                await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # any duplicate would arrive by now
    finally:
        await bot.stop_quietly()
    counts = [len(u.messages) for u in users]
    assert counts == [1] * len(users), {n: counts.count(n) for n in set(counts)}
    stub.assert_no_violations()


def test_ptb_logging_a_whole_update_or_an_error_shows_neither_names_nor_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """python-telegram-bot logs the whole update at CRITICAL when it cannot build a context
    for it; with the bot's logging, only its type and update_id appear."""
    raw = start_update(77, 4199)
    raw["message"]["text"] = SECRET_WORDS
    update = Update.de_json(raw, None)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("INFO", [])
        ptb = logging.getLogger("telegram.ext.Application")
        ptb.critical("Error while building CallbackContext for update %s.", update)
        try:
            raise ValueError(f"cannot use {SECRET_WORDS}")
        except ValueError as error:
            ptb.critical("Fetching updates was aborted due to %r.", error, exc_info=True)
    finally:
        root.handlers[:], root.level = handlers, level
    logged = capsys.readouterr().err
    assert "<Update update_id=77>" in logged and "<ValueError>" in logged
    assert SECRET_WORDS not in logged and "Max" not in logged


async def test_a_quiet_bot_makes_one_get_updates_per_update(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """Each getUpdates while an update is in flight returns it again: a quiet bot waits for
    it to finish, and confirms it with the next long poll, instead of fetching it twice."""
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(4301, "Ana")
    try:
        await bot.start()
        await user.send("/start", reply_timeout=10)
        questions = ["how much do coders make?", "can I work from home?", "what is a CPC?"] * 2
        polls_before = stub.stats.requests_by_method["getUpdates"]
        for question in questions:
            await user.send(question, reply_timeout=10)
        polls = stub.stats.requests_by_method["getUpdates"] - polls_before
        assert polls <= len(questions) + 1, f"{polls} getUpdates for {len(questions)} updates"
    finally:
        await bot.stop_quietly()


async def test_an_update_stuck_on_telegram_holds_other_chats_up_for_a_moment_at_most(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """While one chat's update waits on a request Telegram does not answer, it stays in
    flight (and unconfirmed), yet the fetch loop still comes round every few hundredths
    of a second: another chat's /start is answered at once, without a hot loop."""
    bot = BotProcess.in_dir(stub, tmp_path)
    stuck, other = stub.user(4401, "Ana"), stub.user(4402, "Ben")
    hang = FaultRule(FaultKind.TIMEOUT, every_nth=1, methods={"editMessageText"}, hold_seconds=8)
    tapping: asyncio.Task[Any] | None = None
    try:
        await bot.start()
        await stuck.send("/start", reply_timeout=10)
        stub.faults.add(hang)
        tapping = asyncio.create_task(stuck.tap("Start the quiz", reply_timeout=20))
        while not hang.injected:  # noqa: ASYNC110 - a counter the stub bumps
            await asyncio.sleep(0.01)
        polls_before = stub.stats.requests_by_method["getUpdates"]
        started = time.monotonic()
        reply = await other.send("/start", reply_timeout=10, until=lambda r: r.messages)
        waited = time.monotonic() - started
        assert reply.last.text.startswith("👋 Hi Ben!")
        assert waited < 1.5, f"Ben waited {waited:.2f}s behind Ana's stuck update"
        await asyncio.sleep(1)
        polls = stub.stats.requests_by_method["getUpdates"] - polls_before
        assert polls < 150, f"no hot loop: {polls} getUpdates in about 1 s"
        assert not tapping.done(), "Ana's update was still in flight all along"
    finally:
        stub.faults.remove(hang)
        if tapping is not None:
            tapping.cancel()
            with contextlib.suppress(asyncio.CancelledError, AssertionError):
                await tapping
        await bot.stop_quietly()
