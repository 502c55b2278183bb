"""The floor of this stack: a bare python-telegram-bot bot that answers every update with one
message, and keeps nothing.

The benchmark starts it as `python -m bench.echo_bot`, configured like `python -m bot`
(the same settings from the environment). It makes the same Bot API requests per
update as the CareerPath bot (one message; plus the callback answer for a button tap) with
PTB's own concurrent update processing and flood control, and no logic, storage or logging:
what python-telegram-bot and the round trips cost on their own.

ECHO_TRANSPORT picks the HTTP client: `httpx`, PTB as shipped (the default), or `aiohttp`,
the bot's own transport (bot/requests.py, built the same way as bot/app.py builds it), so
the bot's ratios to that floor are what our own code costs.

With WEBHOOK_URL set (python -m bench --webhook), it takes its updates from the bot's own
webhook server (bot/webhook.py; PTB's needs tornado, which the project does not ship) and
answers each tap with a request of its own, as PTB's CallbackQuery.answer does.
"""

from __future__ import annotations

import asyncio
import os
import sys

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.config import ConfigError, Settings
from bot.requests import RetryingRequest

TRANSPORTS = ("httpx", "aiohttp")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    query = update.callback_query
    if query is not None:
        await query.answer()
    if chat is None:
        return
    message = update.effective_message
    text = (query.data if query is not None else message and message.text) or "…"
    await context.bot.send_message(chat.id, text)


def build_echo_application(settings: Settings, transport: str = "httpx") -> Application:
    """PTB's own pieces, with the CareerPath bot's concurrency and connection pool, over
    httpx (PTB's default) or aiohttp (the bot's transport)."""
    assert settings.token is not None
    builder = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .concurrent_updates(settings.max_concurrent_updates)
    )
    if transport == "aiohttp":
        timeout = settings.api_timeout
        pool = settings.max_concurrent_updates
        builder = builder.request(
            RetryingRequest(connection_pool_size=pool, read_timeout=timeout)
        ).get_updates_request(
            RetryingRequest(connection_pool_size=1, read_timeout=timeout, backoff=())
        )
    else:
        builder = builder.connection_pool_size(settings.max_concurrent_updates)
    if settings.rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    application = builder.build()
    application.add_handler(TypeHandler(Update, echo))
    return application


def main() -> int:
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    transport = os.environ.get("ECHO_TRANSPORT", "httpx")
    if transport not in TRANSPORTS:
        print(f"ECHO_TRANSPORT must be one of {', '.join(TRANSPORTS)}", file=sys.stderr)
        return 2
    application = build_echo_application(settings, transport)
    if settings.webhook_url:
        # Imported here: the webhook server brings much of the bot with it, which the polling
        # floor must not carry in its memory.
        from bot import lifecycle

        asyncio.run(lifecycle.run(application, settings, (), check_storage=lambda: None))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
