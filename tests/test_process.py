"""`python -m bot` as a new user runs it: start-up contract, restarts, logs."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from tests.bot_harness import (
    TELEGRAM_STACK,
    BotProcess,
    free_port,
    packages_imported,
    run_until_exit,
)
from tests.quiz_routes import HEADLINES, ROUTES
from tests.stub_bot_api import FaultKind, FaultRule, StubBotApi


def env_without(variable: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != variable}


async def run_bot_without(variable: str) -> tuple[int, str]:
    return await run_until_exit(env_without(variable))


async def test_missing_token_explains_botfather_and_exits_2() -> None:
    code, output = await run_bot_without("TELEGRAM_BOT_TOKEN")
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in output and "@BotFather" in output and "/newbot" in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) == 1, "one paragraph"


async def test_a_configuration_error_is_reported_before_the_telegram_stack_loads() -> None:
    code, packages = await packages_imported(env_without("TELEGRAM_BOT_TOKEN"))
    assert code == 2
    assert {"bot", "pydantic"} <= packages, "the probe sees what the process imports"
    assert not packages & TELEGRAM_STACK, "the settings are read before anything heavy loads"


async def test_a_token_telegram_refuses_is_explained_and_exits_2(
    stub: StubBotApi, tmp_path: Path
) -> None:
    wrong = "123456:not-the-token-the-stub-knows"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_API_URL": stub.url}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    code, output = await run_until_exit(env)
    assert code == 2
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in output and "@BotFather" in output
    assert "Traceback" not in output and "Unclosed" not in output and wrong not in output


@pytest.mark.slow
async def test_an_unreachable_bot_api_is_explained_and_exits_2(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123456:ABC", "TELEGRAM_API_URL": closed}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    code, output = await run_until_exit(env)
    assert code == 2
    assert f"could not reach the Telegram Bot API at {closed}" in output
    assert "Traceback" not in output and "Unclosed" not in output and "123456:ABC" not in output


async def test_resume_after_the_process_is_killed_mid_quiz(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(2001, "Gus")
    try:
        await bot.start()
        await user.send("/start")
        await user.tap("Start the quiz")
        for label in ROUTES["coding"][:3]:
            await user.tap(label)
        assert "Question 4 of 10" in user.last_message.text
        await bot.kill()

        await bot.start()
        step = await user.tap(ROUTES["coding"][3])
        assert step.callback_answer is not None
        assert "Question 5 of 10" in user.last_message.text
        back = await user.tap("◀ Back")
        assert "Question 4 of 10" in back.last.text, "earlier answers are intact"
        for label in ROUTES["coding"][3:]:
            await user.tap(label)
        assert user.last_message.text.splitlines()[0] == HEADLINES["coding"]
    finally:
        await bot.stop_quietly()
    stub.assert_no_violations()


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_the_token_never_reaches_the_logs(
    stub: StubBotApi, tmp_path: Path, level: str
) -> None:
    bot = BotProcess.in_dir(stub, tmp_path, {"LOG_LEVEL": level})
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
        assert "transitions" not in log, "the state machine's own lines stay out"
        updates = [line for line in log.splitlines() if " INFO " in line and "update=" in line]
        assert len(updates) == 3, "one INFO line per update"


async def test_sigterm_finishes_the_update_in_flight_and_exits_0(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(2003, "Ida")
    try:
        await bot.start()
        await user.send("/start")
        await user.tap("Start the quiz")
        # The next edit fails until we lift the fault, so the update is still in flight
        # (being retried) when SIGTERM arrives.
        failing = stub.faults.add(
            FaultRule(FaultKind.BAD_GATEWAY, every_nth=1, methods={"editMessageText"})
        )
        tap = asyncio.create_task(
            user.tap("Deep, focused puzzle-solving", until=lambda r: r.edits, reply_timeout=20)
        )
        while not failing.injected:  # noqa: ASYNC110 - the stub's counter has no event to await
            await asyncio.sleep(0.01)
        started = time.monotonic()
        exit_code = asyncio.create_task(bot.terminate(wait_seconds=10))
        await asyncio.sleep(0.3)
        stub.faults.remove(failing)
        assert await exit_code == 0
        assert time.monotonic() - started < 10
        await tap
        assert "Question 2 of 10" in user.last_message.text, "the in-flight update finished"

        await bot.start()
        await user.tap("Sounds fascinating")
        assert "Question 3 of 10" in user.last_message.text, "and its answer was saved"
    finally:
        await bot.stop_quietly()
    assert "Traceback" not in bot.log()


async def test_retry_warnings_never_carry_the_token(stub: StubBotApi, tmp_path: Path) -> None:
    stub.faults.add(FaultRule(FaultKind.DROP_CONNECTION, every_nth=3))
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(2004, "Jo")
    try:
        await bot.start()
        await user.send("/start", until=lambda r: r.messages, reply_timeout=20)
        await user.tap("Start the quiz", until=lambda r: r.edits, reply_timeout=20)
    finally:
        await bot.stop_quietly()
    log = bot.log()
    assert "retrying" in log, "the faults did produce warnings"
    assert stub.token not in log and stub.token.split(":")[1] not in log
