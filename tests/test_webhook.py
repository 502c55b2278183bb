"""Webhook mode: with WEBHOOK_URL, `python -m bot` takes the updates Telegram POSTs to it, and
only those carrying the secret token."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import DEFAULT_PORT, ConfigError, Settings
from tests.bot_harness import BotProcess, free_port, run_until_exit, webhook_env
from tests.databases import stored_state
from tests.stub_bot_api import FakeUser, StubBotApi
from tests.test_ops import get, samples, value

SECRET = "s3cret_Token-42"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def start_update(update_id: int, user_id: int) -> dict[str, Any]:
    """What Telegram POSTs when a user sends /start."""
    user = {"id": user_id, "is_bot": False, "first_name": "Max", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Max"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def post(url: str, payload: dict[str, Any], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=payload, headers=headers) as response,
    ):
        return response.status


async def messages_after(user: FakeUser, seconds: float) -> list[str]:
    """The bot's messages in the user's chat, waiting up to `seconds` for the first one."""
    deadline = time.monotonic() + seconds
    while not user.messages and (left := deadline - time.monotonic()) > 0:
        await user.chat.wait_for_activity(left)
    return [m.text or "" for m in user.messages]


async def test_webhook_mode_takes_updates_only_with_the_secret(
    stub: StubBotApi, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    database_url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    bot = BotProcess(
        stub,
        database_url,
        tmp_path / "bot.log",
        extra_env=webhook_env(port, SECRET, "/telegram/updates"),
    )
    user = stub.user(6001, "Nia")
    try:
        await bot.start()
        registered = stub.calls_to("setWebhook")[-1].params
        assert registered["url"] == url and registered["secret_token"] == SECRET
        assert not stub.calls_to("getUpdates"), "no polling in webhook mode"

        await user.send("/start")
        await user.tap("Start the quiz")
        step = await user.tap("Deep, focused puzzle-solving")
        assert "Question 2 of 10" in step.last.text
        deliveries = list(stub.webhook.deliveries)
        assert len(deliveries) == 3 and all(d.status == 200 for d in deliveries)
        assert all(d.sent_secret == SECRET for d in deliveries)

        stranger = stub.user(6002, "Max")
        assert await post(url, start_update(900001, stranger.chat_id), None) == 403
        assert await post(url, start_update(900002, stranger.chat_id), "wrong-secret") == 403
        assert await messages_after(stranger, 1.0) == [], "refused: no reply"
        assert await post(url, start_update(900003, stranger.chat_id), SECRET) == 200
        replies = await messages_after(stranger, 10.0)
        assert len(replies) == 1 and replies[0].startswith("👋 Hi Max!")
    finally:
        await bot.stop_quietly()
    stored = await stored_state(database_url, user.chat_id)
    assert stored is not None and stored.answers == (0,)
    assert SECRET not in bot.log() and stub.token not in bot.log()
    stub.assert_no_violations()


async def test_webhook_mode_without_a_secret_is_a_config_error(stub: StubBotApi) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "WEBHOOK_SECRET"},
        "TELEGRAM_BOT_TOKEN": stub.token,
        "TELEGRAM_API_URL": stub.url,
        "WEBHOOK_URL": "https://bot.example.org/telegram",
    }
    code, output = await run_until_exit(env)
    assert code == 2
    assert "WEBHOOK_SECRET is required when WEBHOOK_URL is set" in output
    assert "Traceback" not in output
    assert not stub.calls, "nothing is contacted with a broken configuration"


def settings(**env: str) -> Settings:
    return Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", **env})


def test_webhook_settings_from_the_environment() -> None:
    polling = settings()
    assert polling.webhook_url is None and polling.port == DEFAULT_PORT == 8080
    webhook = settings(
        WEBHOOK_URL="https://bot.example.org/tg/hook", WEBHOOK_SECRET=SECRET, PORT="5000"
    )
    assert webhook.webhook_path == "tg/hook" and webhook.port == 5000
    assert webhook.listen == "0.0.0.0", "platforms route to every interface"
    assert settings(WEBHOOK_URL="https://bot.example.org", WEBHOOK_SECRET=SECRET).webhook_path == ""


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {"WEBHOOK_URL": "https://bot.example.org/x", "WEBHOOK_SECRET": "not allowed!"},
            "WEBHOOK_SECRET",
        ),
        ({"WEBHOOK_URL": "bot.example.org/x", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL"),
        ({"PORT": "70000"}, "PORT"),
        ({"PORT": "http"}, "PORT"),
        ({"DATA_RETENTION_DAYS": "0"}, "DATA_RETENTION_DAYS"),
    ],
)
def test_bad_webhook_settings_name_the_variable_not_its_value(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        settings(**env)
    message = str(raised.value)
    assert named in message
    assert "not allowed!" not in message, "a secret is never echoed"


async def test_in_webhook_mode_a_tap_s_callback_answer_rides_on_the_webhook_answer(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """Telegram runs a Bot API call given in the answer to its webhook POST: a tap's
    callback answer goes there, toast included, instead of a request of its own."""
    port, metrics_port = free_port(), free_port()
    bot = BotProcess.in_dir(
        stub, tmp_path, {**webhook_env(port, SECRET), "METRICS_PORT": str(metrics_port)}
    )
    user = stub.user(6003, "Lia")
    try:
        await bot.start()
        await user.send("/start")
        start = await user.tap("Start the quiz")
        question = user.last_message
        step = await user.tap("Deep, focused puzzle-solving")
        again = await user.tap_data(
            question.buttons[0][0].callback_data, message=question.message_id
        )
        found = samples((await get(metrics_port, "/metrics"))[2])
    finally:
        await bot.stop_quietly()
    assert start.callback_answer is not None and step.callback_answer is not None
    assert "Question 2 of 10" in step.last.text
    assert again.callback_answer.text == "Got it, one tap is enough 👍", "the toast comes along"
    assert not stub.unanswered_callback_queries()
    assert stub.stats.webhook_reply_calls["answerCallbackQuery"] == 3
    assert stub.stats.requests_by_method["answerCallbackQuery"] == 0, "no request of its own"
    assert all(c.in_webhook_reply for c in stub.calls_to("answerCallbackQuery"))
    counted = value(
        found,
        "careerpath_bot_api_requests_total",
        method="answerCallbackQuery",
        outcome="in_webhook_answer",
    )
    assert counted == 3, "the metrics count them"
    stub.assert_no_violations()
