"""Concurrent update processing that keeps each chat's updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB takes a slot of its own semaphore before do_process_update runs; this processor limits
# concurrency itself instead (see below), so PTB's is made too large to ever bind.
_UNBOUNDED = 2**31 - 1


def chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat:
            return update.effective_chat.id
        if update.effective_user:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats are handled at the same time; one chat's updates one after another.

    A quick double tap therefore sees the state the first tap saved, and a thousand users
    never wait on each other. An update first waits for its chat's turn and only then takes
    one of the max_concurrent_updates slots, so a chat with a backlog (a user tapping fast)
    holds one slot at most and never keeps the other chats waiting.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(_UNBOUNDED)
        self.limit = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
