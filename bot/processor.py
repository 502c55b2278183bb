"""Concurrent update processing that keeps each chat's updates in order, and keeps one
flooding chat from costing more than its share."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# PTB takes a slot of its own semaphore before do_process_update runs; this processor limits
# concurrency itself instead (see below), so PTB's is made too large to ever bind.
_UNBOUNDED = 2**31 - 1
# Updates of one chat waiting or in progress at most; more are dropped (a tap's spinner is
# stopped). A person tapping and typing fast stays well under it; a flood does not.
MAX_CHAT_BACKLOG = 5
# A tap is skipped (its spinner stopped, nothing redrawn) when this many more taps on the
# same message are already waiting behind it: a burst gets one reply, from its last tap.
# (A plain double tap is still answered "one tap is enough".)
COLLAPSE_AFTER = 2


def chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat:
            return update.effective_chat.id
        if update.effective_user:
            return update.effective_user.id
    return None


def tap_key(update: object) -> tuple[int, int] | None:
    """(chat, message) of a button tap, None for anything else."""
    if not isinstance(update, Update) or update.callback_query is None:
        return None
    message = update.callback_query.message
    key = chat_key(update)
    return None if message is None or key is None else (key, message.message_id)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats are handled at the same time; one chat's updates one after another.

    A quick double tap therefore sees the state the first tap saved, and a thousand users
    never wait on each other. An update first waits for its chat's turn and only then takes
    one of the max_concurrent_updates slots, so a chat with a backlog (a user tapping fast)
    holds one slot at most and never keeps the other chats waiting. A chat's backlog is
    bounded (MAX_CHAT_BACKLOG) and a burst of taps on one message collapses into one reply.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(_UNBOUNDED)
        self.limit = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._taps: dict[tuple[int, int], int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        if self._waiting.get(key, 0) >= MAX_CHAT_BACKLOG:
            log.warning("a chat has %d updates waiting: dropping its newer ones", MAX_CHAT_BACKLOG)
            await _drop(update, coroutine)
            return
        tap = tap_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        if tap is not None:
            self._taps[tap] = self._taps.get(tap, 0) + 1
        try:
            async with lock:
                if tap is not None and self._taps[tap] > COLLAPSE_AFTER:
                    await _drop(update, coroutine)  # a later tap on it will reply
                    return
                async with self._slots:
                    await coroutine
        finally:
            if tap is not None:
                self._taps[tap] -= 1
                if not self._taps[tap]:
                    del self._taps[tap]
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def _drop(update: object, coroutine: Awaitable[Any]) -> None:
    """Skip an update; a tap's spinner still stops."""
    if asyncio.iscoroutine(coroutine):
        coroutine.close()
    if isinstance(update, Update) and update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # best effort, like every callback answer
            await update.callback_query.answer()
