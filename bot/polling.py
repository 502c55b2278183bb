"""Long polling that tells Telegram an update was handled only once it was.

Why not python-telegram-bot's Updater: it confirms every fetched update with the next
getUpdates (and at stop) whether or not the bot has handled it, so a SIGTERM with a few
hundred users waiting loses the replies it could not send in the grace period; and it
parses the whole batch at once, so one update it cannot parse is fetched again forever
while it logs the batch (users' names and words) at CRITICAL.

Here each update is parsed on its own (one it cannot read is skipped, confirmed and logged
by its id and type only), and the getUpdates offset only moves past updates whose handling
has finished. On stop, fetching ends, the updates in flight get the grace period to
finish, and whatever was not handled stays with Telegram for the next process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.requests import PlainJson
from bot.updates import parse_update

log = logging.getLogger(__name__)

# The update types the handlers in bot/handlers.py take; Telegram sends no others.
HANDLED_UPDATE_TYPES = ("message", "edited_message", "callback_query")
# Telegram returns at most this many updates per getUpdates.
BATCH = 100
# Updates fetched and not yet confirmed. Each getUpdates starts at the oldest unfinished
# one, so this must stay below BATCH for a fetch to reach beyond them.
WINDOW = 90
# While updates are in flight, the next getUpdates waits 0.3 ms per update in flight, then
# until one of them finishes (so it can confirm it) or REFETCH_SECONDS more have passed
# (plus, again, 0.3 ms per update in flight). Each such getUpdates returns the unfinished
# updates again, so fetching after every finished update would spend the CPU decoding the
# same updates; waiting much longer leaves the bot idle once the window's updates are done
# (at 1 ms per update, it sat idle a fifth of the time under load). With a full window the
# fetches come about 30 ms apart. A lone quick update is fetched, handled and confirmed by
# the next long poll (one getUpdates per update, like PTB's Updater), and one slow update
# delays others' by about REFETCH_SECONDS at most.
REFETCH_SECONDS = 0.02
REFETCH_SECONDS_PER_UPDATE_IN_FLIGHT = 0.0003
# Pauses after failed getUpdates calls (network trouble, another poller), then the last.
RETRY_PAUSES = (0.5, 1.0, 2.0, 5.0, 10.0)


class UpdateFetcher:
    """Fetches updates with getUpdates and hands each to the Application as soon as it
    arrives; the offset confirms only the updates whose handling finished."""

    def __init__(
        self, application: Application, request: BaseRequest, poll_timeout: float = 10.0
    ) -> None:
        self.application = application
        self.request = request
        self.poll_timeout = poll_timeout
        self.offset = 0  # Telegram's "from the oldest unconfirmed" when 0
        # Updates fetched and not confirmed, oldest first: their handling task, or None
        # once finished.
        self._tracked: dict[int, asyncio.Task[None] | None] = {}
        self._progress = asyncio.Event()

    @property
    def in_flight(self) -> int:
        return sum(1 for task in self._tracked.values() if task is not None)

    async def run(self, stop: asyncio.Event, grace_seconds: float) -> None:
        """Poll until `stop` is set; then let the updates in flight finish for up to
        grace_seconds and confirm exactly those that did."""
        fetching = asyncio.create_task(self._fetch_forever(), name="getUpdates")
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            fetching.cancel()  # a long poll cut short confirms nothing
            try:
                with contextlib.suppress(asyncio.CancelledError):
                    await fetching  # re-raises what stopped polling (a revoked token...)
            finally:
                await self.finish(grace_seconds)

    async def finish(self, grace_seconds: float) -> None:
        """Wait for the updates in flight, cancel what outlasts the grace period (it stays
        unconfirmed, so the next process handles it), then confirm what was handled."""
        tasks = [task for task in self._tracked.values() if task is not None]
        if tasks:
            log.info("stopping: %d update(s) in flight", len(tasks))
            _, late = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
                log.warning(
                    "%d update(s) not finished within %.0fs: left for the next process",
                    len(late),
                    grace_seconds,
                )
        if self.offset:
            try:
                await self._get_updates(poll_seconds=0, limit=1)  # only to confirm
            except Exception as error:  # the next process will simply see them again
                log.warning("could not confirm handled updates: %s", type(error).__name__)

    async def _fetch_forever(self) -> None:
        failures = 0
        answered = False  # the first getUpdates does not wait: /readyz is ready at once
        while True:
            self._progress.clear()  # what finishes from now on wakes the waits below
            if len(self._tracked) >= WINDOW:
                await self._wait_for_progress(None)
                continue
            timeout = 0 if self._tracked or not answered else self.poll_timeout
            try:
                batch = await self._get_updates(poll_seconds=timeout, limit=BATCH)
            except RetryAfter as error:
                wait = error.retry_after
                await asyncio.sleep(wait if isinstance(wait, int | float) else wait.total_seconds())
                continue
            except InvalidToken:
                raise  # revoked: nothing to retry
            except TelegramError as error:  # network trouble, a garbled answer, or
                # Conflict: another process polls with the same token
                pause = RETRY_PAUSES[min(failures, len(RETRY_PAUSES) - 1)]
                failures += 1
                log.warning("getUpdates failed (%s); retrying in %.1fs", _name(error), pause)
                await asyncio.sleep(pause)
                continue
            failures = 0
            answered = True
            self._admit(batch)
            if not self._tracked:
                continue
            spacing = REFETCH_SECONDS_PER_UPDATE_IN_FLIGHT * len(self._tracked)
            await asyncio.sleep(spacing)
            await self._wait_for_progress(REFETCH_SECONDS + spacing)

    async def _wait_for_progress(self, seconds: float | None) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11, wait_for can swallow a cancellation
        # that arrives as the event is set, and stopping the bot then waited forever for a
        # fetch loop that never saw it.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._progress.wait()

    async def _get_updates(self, poll_seconds: float, limit: int) -> list[Any]:
        parameters: dict[str, Any] = {
            "timeout": poll_seconds,
            "limit": limit,
            "allowed_updates": list(HANDLED_UPDATE_TYPES),
        }
        if self.offset:
            parameters["offset"] = self.offset
        result = await self.request.post(
            f"{self.application.bot.base_url}/getUpdates",
            PlainJson(parameters),
            read_timeout=self.request.read_timeout + poll_seconds,
        )
        return result if isinstance(result, list) else []

    def _admit(self, batch: list[Any]) -> int:
        """Start handling the updates not seen before; how many there were."""
        admitted = 0
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int) or update_id < self.offset:
                continue
            if update_id in self._tracked:
                continue
            if len(self._tracked) >= WINDOW:
                break
            admitted += 1
            self._tracked[update_id] = None
            update = parse_update(raw, self.application.bot)
            if update is None:
                self._finished(update_id)
            else:
                self._tracked[update_id] = asyncio.create_task(self._handle(update_id, update))
        return admitted

    async def _handle(self, update_id: int, update: Update) -> None:
        application = self.application
        started = time.perf_counter()
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        except asyncio.CancelledError:
            raise  # not finished: stays unconfirmed
        except Exception as error:  # handlers' errors go to on_error; this is anything else
            log.error(
                "update_id=%d failed after %.0f ms: %s",
                update_id,
                (time.perf_counter() - started) * 1000,
                type(error).__name__,
            )
        self._finished(update_id)

    def _finished(self, update_id: int) -> None:
        if update_id in self._tracked:
            self._tracked[update_id] = None
        while self._tracked:
            oldest = next(iter(self._tracked))
            if self._tracked[oldest] is not None:
                break
            del self._tracked[oldest]
            self.offset = oldest + 1
        self._progress.set()


def _name(error: Exception) -> str:
    return type(error).__name__
