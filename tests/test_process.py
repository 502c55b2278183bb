"""`python -m bot` as a new user runs it: start-up contract, restarts, logs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bot_harness import BotProcess, run_until_exit
from tests.stub_bot_api import StubBotApi


async def run_bot_without(variable: str) -> tuple[int, str]:
    return await run_until_exit({k: v for k, v in os.environ.items() if k != variable})


async def test_missing_token_explains_botfather_and_exits_2() -> None:
    code, output = await run_bot_without("TELEGRAM_BOT_TOKEN")
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in output and "@BotFather" in output and "/newbot" in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) == 1, "one paragraph"


async def test_resume_after_the_process_is_killed_mid_quiz(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = BotProcess(stub, f"sqlite:///{tmp_path / 'state.sqlite3'}", tmp_path / "bot.log")
    user = stub.user(2001, "Gus")
    try:
        await bot.start()
        await user.send("/start")
        await user.tap("Start the quiz")
        for label in (
            "Deep, focused puzzle-solving",
            "Sounds fascinating",
            "I'd rather go deep on one thing",
        ):
            await user.tap(label)
        assert "Question 4 of 10" in user.last_message.text
        await bot.kill()

        await bot.start()
        step = await user.tap("As little as possible")
        assert step.callback_answer is not None
        assert "Question 5 of 10" in user.last_message.text
        back = await user.tap("◀ Back")
        assert "Question 4 of 10" in back.last.text, "earlier answers are intact"
        for label in (
            "As little as possible",
            "I care more about accuracy",
            "I'd rather avoid it",
            "A clinical field, e.g. cardiology",
            "I can certify first",
            "It's a must for me",
            "I'd rather specialise",
        ):
            await user.tap(label)
        assert user.last_message.text.startswith("🩺 Your best fit is medical coding.")
    finally:
        await bot.stop_quietly()
    stub.assert_no_violations()


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_the_token_never_reaches_the_logs(
    stub: StubBotApi, tmp_path: Path, level: str
) -> None:
    bot = BotProcess(
        stub,
        f"sqlite:///{tmp_path / 'state.sqlite3'}",
        tmp_path / "bot.log",
        extra_env={"LOG_LEVEL": level},
    )
    user = stub.user(2002, "Hal")
    try:
        await bot.start()
        await user.send("/start")
        await user.tap("Start the quiz")
        await user.send("my secret words")
    finally:
        await bot.stop_quietly()
    log = bot.log()
    assert "update=message" in log and "handler=/start" in log, "one line per update"
    assert stub.token not in log
    assert stub.token.split(":")[1] not in log
    if level == "INFO":
        assert "my secret words" not in log, "users' words stay out of INFO logs"
