"""Builds the python-telegram-bot Application and runs it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot import handlers
from bot.config import Settings
from bot.conversation import Conversation
from bot.processor import PerChatUpdateProcessor
from bot.requests import RetryingRequest
from bot.storage import Storage, open_storage
from flows.dialogue import COMMANDS, Dialogue
from flows.schema import Content

log = logging.getLogger(__name__)

STORAGE = "storage"
# As python-telegram-bot's default for its own request object: one connection per update
# being handled at once.
CONNECTION_POOL_SIZE = 256


def build_application(settings: Settings, content: Content) -> Application:
    if settings.token is None:
        raise ValueError("a Telegram application needs TELEGRAM_BOT_TOKEN")
    token = settings.token.get_secret_value()
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .request(
            RetryingRequest(
                connection_pool_size=CONNECTION_POOL_SIZE, read_timeout=settings.api_timeout
            )
        )
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
    )
    if settings.rate_limit:
        # Keeps within Telegram's flood limits and waits out any 429 retry_after.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    application = builder.build()
    storage = open_storage(settings.database_url)
    application.bot_data[STORAGE] = storage
    application.bot_data[handlers.CONVERSATION] = Conversation(Dialogue(content), storage)
    application.bot_data[handlers.LOG_KEY] = token
    application.bot_data[handlers.UPLOADS] = {}
    handlers.register(application)
    return application


async def _on_startup(application: Application) -> None:
    storage: Storage = application.bot_data[STORAGE]
    await storage.open()
    conversation: Conversation = application.bot_data[handlers.CONVERSATION]
    await register_commands(application, conversation.dialogue.content)
    log.info("bot @%s is up", application.bot.username)


async def _on_shutdown(application: Application) -> None:
    storage: Storage = application.bot_data[STORAGE]
    await storage.close()


async def register_commands(application: Application, content: Content) -> None:
    """The command menu in Telegram's UI, in each language the content has."""
    for language, words in content.languages.items():
        commands = [BotCommand(name, words.messages.commands[name]) for name in COMMANDS]
        code = None if language == content.default_language else language
        await application.bot.set_my_commands(commands, language_code=code)


@asynccontextmanager
async def polling(application: Application, poll_timeout: int = 10) -> AsyncIterator[None]:
    """Run the bot inside an already running event loop (tests, benchmarks), the same steps
    Application.run_polling takes: initialize, post_init, poll, start; then the reverse."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
