"""Start, run and stop the Application: long polling or the webhook server, and a SIGTERM
that lets the updates in flight finish and leaves the rest with Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from telegram.ext import Application, Updater
from telegram.request import BaseRequest

from bot.config import Settings
from bot.polling import UpdateFetcher
from bot.storage import StorageError
from bot.webhook import WebhookServer

log = logging.getLogger(__name__)

# post_shutdown (closing the database) gets this long; a stuck database must not keep a
# stopping process alive past the platform's grace period.
CLOSE_SECONDS = 1.5
# How often the database is checked for still being the one opened.
STORAGE_CHECK_SECONDS = 1.0


async def run(
    application: Application,
    settings: Settings,
    requests: tuple[BaseRequest, ...],
    check_storage: Callable[[], None],
) -> None:
    """Run until SIGTERM or SIGINT: as a webhook server when WEBHOOK_URL is set, else by
    long polling. Raises StorageGone, after stopping in order, when the database went away
    under the running bot."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    failures: list[StorageError] = []
    try:
        async with started(application):
            watching = asyncio.create_task(_watch_storage(check_storage, stop, failures))
            try:
                await _take_updates(application, settings, requests, stop)
            finally:
                watching.cancel()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        # When start-up fails (Telegram unreachable, token refused), PTB leaves the bot's
        # HTTP sessions open.
        await asyncio.gather(*(request.shutdown() for request in requests))
    if failures:
        raise failures[0]


# Objects allocated (less those freed) between two collections of the youngest generation:
# Python's default, 700, ran one about every millisecond under load. Nearly everything a
# step allocates is freed at once by reference counting, so collecting less often costs
# little memory.
GC_YOUNGEST_THRESHOLD = 10_000


def _freeze_what_start_up_built() -> None:
    """What start-up built (modules, the content, the typed-question index) lives as long
    as the process, so the garbage collector's full passes need not walk it again: moved
    out of their way, they took half the collector's time under load. Collecting the
    youngest generation less often took the rest from 420 to 120 ms over a 1,000-user
    capacity run. No full collection first: start-up leaves next to no garbage in cycles
    (60 objects of 93,000), and that one pass took 50 ms, a fourteenth of a start's CPU."""
    gc.freeze()
    gc.set_threshold(GC_YOUNGEST_THRESHOLD, *gc.get_threshold()[1:])


async def _watch_storage(
    check: Callable[[], None], stop: asyncio.Event, failures: list[StorageError]
) -> None:
    """Stop serving, with a clear error, when the database goes away under the bot (a
    deleted SQLite file would otherwise take writes that vanish at the next start)."""
    while not stop.is_set():
        try:
            check()
        except StorageError as error:
            log.error("%s", error)
            failures.append(error)
            stop.set()
            return
        await asyncio.sleep(STORAGE_CHECK_SECONDS)


async def _take_updates(
    application: Application,
    settings: Settings,
    requests: tuple[BaseRequest, ...],
    stop: asyncio.Event,
) -> None:
    if settings.webhook_url and settings.webhook_secret:
        await WebhookServer(application, settings).run(stop)
    else:
        await application.bot.delete_webhook(drop_pending_updates=False)
        fetcher = UpdateFetcher(application, requests[1])
        await fetcher.run(stop, settings.shutdown_grace)


@asynccontextmanager
async def started(
    application: Application, updater: Updater | None = None, poll_timeout: float = 10
) -> AsyncIterator[None]:
    """The steps Application.run_polling takes around taking updates: initialize,
    post_init, start (and PTB's updater, if given, polls); then stop, shutdown,
    post_shutdown, even when one of them fails."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if updater is not None:
            await updater.start_polling(poll_interval=0, timeout=int(poll_timeout))
        await application.start()
        _freeze_what_start_up_built()
        yield
    finally:
        try:
            if updater is not None and updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        finally:
            if application.post_shutdown:
                try:
                    await asyncio.wait_for(application.post_shutdown(application), CLOSE_SECONDS)
                except TimeoutError:
                    log.error("the database did not close within %.1fs", CLOSE_SECONDS)


@asynccontextmanager
async def polling(
    application: Application, request: BaseRequest, poll_timeout: float, grace_seconds: float
) -> AsyncIterator[UpdateFetcher]:
    """Run the bot inside an already running event loop (tests, benchmarks)."""
    stop = asyncio.Event()
    async with started(application):
        await application.bot.delete_webhook(drop_pending_updates=False)
        fetcher = UpdateFetcher(application, request, poll_timeout)
        task = asyncio.create_task(fetcher.run(stop, grace_seconds))
        try:
            yield fetcher
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task
