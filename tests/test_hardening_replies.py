"""What users see from `python -m bot` when Telegram is awkward: callback answers that
fail, forum topics, odd names and texts, malformed Bot API replies."""

from __future__ import annotations

import contextlib
from pathlib import Path

from tests.bot_harness import BotProcess
from tests.quiz_routes import ROUTES, TOTAL, start_quiz
from tests.stub_bot_api import StubBotApi

SORRY = "Sorry, something went wrong"


def bot_for(stub: StubBotApi, tmp_path: Path, **env: str) -> BotProcess:
    return BotProcess(
        stub, f"sqlite:///{tmp_path / 'state.sqlite3'}", tmp_path / "bot.log", extra_env=env
    )


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
