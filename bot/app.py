"""Builds the python-telegram-bot Application and runs it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot import admin, handlers, lifecycle
from bot.config import Settings
from bot.conversation import Conversation
from bot.delivery import deliver
from bot.indexer import Indexer, cache_dir
from bot.metrics import METRICS, Metrics
from bot.ops import ENDPOINTS, Endpoints, OpsServer, Readiness
from bot.processor import PerChatUpdateProcessor
from bot.profile import sync_profile
from bot.ratelimit import FairRateLimiter
from bot.reminders import (
    SHORT_DAY_SWEEP_SECONDS,
    SWEEP_SECONDS,
    CheckinJobs,
    CheckinSender,
    Deliver,
)
from bot.requests import RetryingRequest
from bot.storage import Storage, open_storage
from bot.tallies import FLUSH_SECONDS as TALLIES_FLUSH_SECONDS
from flows.checkins import CheckinCalendar
from flows.dialogue import Dialogue
from flows.replies import Outcome
from flows.schema import Content

log = logging.getLogger(__name__)

STORAGE = "storage"
REQUESTS = "requests"
OPS = "ops"
RETENTION_JOB = "retention"
TALLIES_JOB = "tallies"
# The retention sweep runs a minute after start-up, then hourly (every replica runs it;
# deleting twice is harmless).
RETENTION_FIRST_SWEEP_SECONDS = 60
RETENTION_SWEEP_SECONDS = 3600
SECONDS_PER_DAY = 86400


def build_application(settings: Settings, content: Content) -> Application:
    if settings.token is None:
        raise ValueError("a Telegram application needs TELEGRAM_BOT_TOKEN")
    token = settings.token.get_secret_value()
    metrics = Metrics()
    requests = (
        # One connection per update being handled at once.
        RetryingRequest(
            connection_pool_size=settings.max_concurrent_updates,
            read_timeout=settings.api_timeout,
            observe=metrics.api_request,
        ),
        # Long polling on aiohttp too (one connection); bot/polling.py retries a failed poll.
        # Its answers count too: a getUpdates answered is what makes a polling bot ready.
        RetryingRequest(
            connection_pool_size=1,
            read_timeout=settings.api_timeout,
            backoff=(),
            observe=metrics.api_request,
        ),
    )
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
        .request(requests[0])
        .get_updates_request(requests[1])
        .updater(None)  # bot/polling.py and bot/webhook.py take the updates
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
    )
    if settings.rate_limit:
        # Keeps within Telegram's flood limits, per chat, and waits out any 429 retry_after.
        builder = builder.rate_limiter(FairRateLimiter(max_retries=5))
    application = builder.build()
    storage = open_storage(settings.database_url)
    dialogue = Dialogue(
        content,
        CheckinCalendar(day_seconds=settings.checkin_day_seconds),
        weigh=Indexer(cache_dir()),  # bm25s and numpy stay out of this process
    )
    application.bot_data[STORAGE] = storage
    application.bot_data[REQUESTS] = requests
    application.bot_data[handlers.CONVERSATION] = Conversation(
        dialogue, storage, on_tallies=metrics.tallies
    )
    application.bot_data[handlers.LOG_KEY] = token
    application.bot_data[handlers.UPLOADS] = {}
    application.bot_data[METRICS] = metrics
    webhook = bool(settings.webhook_url)
    readiness = Readiness(storage, metrics, webhook, application.bot if webhook else None)
    endpoints = application.bot_data[ENDPOINTS] = Endpoints(metrics, readiness)
    if settings.metrics_port is not None:  # the webhook server serves them too (bot/webhook.py)
        application.bot_data[OPS] = OpsServer(
            endpoints, settings.metrics_listen, settings.metrics_port
        )
    handlers.register(application)
    admin.register(application, settings.admin_chat_ids)
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is installed"
    # A user who blocked the bot, or a chat that is gone, will never take a check-in.
    sender = CheckinSender(
        dialogue, storage, (Forbidden, BadRequest), log_key=token, on_event=metrics.checkin
    )
    short_day = settings.checkin_day_seconds is not None
    sweep = SHORT_DAY_SWEEP_SECONDS if short_day else SWEEP_SECONDS
    CheckinJobs(sender, _deliver_to, sweep).install(application.job_queue)
    application.job_queue.run_repeating(
        write_tallies, interval=TALLIES_FLUSH_SECONDS, first=TALLIES_FLUSH_SECONDS, name=TALLIES_JOB
    )
    application.job_queue.run_repeating(
        forget_idle_chats,
        interval=RETENTION_SWEEP_SECONDS,
        first=RETENTION_FIRST_SWEEP_SECONDS,
        data=settings.retention_days,
        name=RETENTION_JOB,
    )
    return application


def serve(application: Application, settings: Settings) -> None:
    """Run until stopped: as a webhook server when WEBHOOK_URL is set, else long polling."""
    requests, storage = application.bot_data[REQUESTS], application.bot_data[STORAGE]
    asyncio.run(lifecycle.run(application, settings, requests, storage.check))


def _deliver_to(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> Deliver:
    """How a check-in job sends to a chat: as replies to nothing."""

    async def send(outcome: Outcome) -> None:
        await deliver(context.bot, chat_id, outcome, None, context.bot_data[handlers.UPLOADS])

    return send


async def write_tallies(context: ContextTypes.DEFAULT_TYPE) -> None:
    """What /stats counts, gathered since the last time (bot/tallies.py)."""
    conversation: Conversation = context.bot_data[handlers.CONVERSATION]
    await conversation.tallies.flush()


async def forget_idle_chats(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Data retention: delete every chat nobody has touched for the configured days."""
    days = context.job.data if context.job else None
    assert isinstance(days, int), "scheduled with DATA_RETENTION_DAYS as its data"
    storage: Storage = context.bot_data[STORAGE]
    forgotten = await storage.forget_idle(days * SECONDS_PER_DAY)
    log.info("retention: forgot %d chat(s) idle for over %d days", forgotten, days)


async def _on_startup(application: Application) -> None:
    storage: Storage = application.bot_data[STORAGE]
    await storage.open()
    conversation: Conversation = application.bot_data[handlers.CONVERSATION]
    conversation.dialogue.views.bot_link = f"https://t.me/{application.bot.username}"
    await sync_profile(
        application.bot, conversation.dialogue.content, application.bot_data[admin.ADMINS]
    )
    ops: OpsServer | None = application.bot_data.get(OPS)
    if ops is not None:
        await ops.start()
    log.info("bot @%s is up", application.bot.username)


async def _on_shutdown(application: Application) -> None:
    ops: OpsServer | None = application.bot_data.get(OPS)
    if ops is not None:
        await ops.stop()
    conversation: Conversation = application.bot_data[handlers.CONVERSATION]
    await conversation.tallies.flush()
    storage: Storage = application.bot_data[STORAGE]
    await storage.close()


@asynccontextmanager
async def polling(application: Application, poll_timeout: int = 10) -> AsyncIterator[None]:
    """Run the bot inside an already running event loop (tests, benchmarks), polling as
    python -m bot does; an Application with PTB's own Updater (the benchmark's echo floor)
    polls with that."""
    if application.updater is not None:
        async with lifecycle.started(application, application.updater, poll_timeout):
            yield
        return
    request = application.bot_data[REQUESTS][1]
    async with lifecycle.polling(application, request, poll_timeout, grace_seconds=10):
        yield
