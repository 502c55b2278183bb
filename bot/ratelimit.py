"""Telegram's flood limits, kept per chat so that one busy chat never slows the others.

Why not python-telegram-bot's AIORateLimiter: it does not pace private chats at all, so a
user sending /start a hundred times made the bot send a hundred messages into one chat,
Telegram answered 429 Too Many Requests, and AIORateLimiter then paused every request of
the bot for the retry_after: everyone's replies waited on one user's flood.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Telegram's documented limits: about 30 messages a second overall, 20 a minute per group,
# and about one a second per private chat (short bursts pass).
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
CHAT_BURST = 8  # then one a second (the stub, like Telegram, lets about 10 through)
# Methods that put a new message in a chat: paced per chat. Edits are not (a person
# tapping through the quiz edits one message quickly); a 429 on one pauses its chat only.
_NEW_MESSAGE_METHODS = ("send", "copy", "forward")
# Limiters kept for this many chats at most; idle ones are dropped first.
_KEEP_LIMITERS = 1024

Result = bool | dict[str, Any] | list[dict[str, Any]]


class FairRateLimiter(BaseRateLimiter[int]):
    """Paces new messages per private chat (CHAT_BURST, then 1/s) and per group (20/min),
    and every request to a chat overall (30/s). A 429 for a request to one chat pauses that
    chat only; a 429 on a request to no chat pauses everything. Retries up to max_retries
    times."""

    def __init__(self, max_retries: int = 5) -> None:
        self.max_retries = max_retries
        self._overall = AsyncLimiter(OVERALL_PER_SECOND, 1)
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._paused_until: dict[int | str | None, float] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        retries = rate_limit_args or self.max_retries
        for attempt in range(retries + 1):
            await self._wait_out_pauses(chat_id)
            async with contextlib.AsyncExitStack() as limits:
                if chat_id is not None:
                    if endpoint.lower().startswith(_NEW_MESSAGE_METHODS):
                        await limits.enter_async_context(self._limiter(chat_id))
                    await limits.enter_async_context(self._overall)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as error:
                    if attempt == retries:
                        raise
                    pause = _seconds(error.retry_after) + 0.1
                    key = chat_id if chat_id is not None else None
                    self._paused_until[key] = time.monotonic() + pause
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_out_pauses(self, chat_id: int | str | None) -> None:
        while True:
            now = time.monotonic()
            until = max(self._paused_until.get(None, 0.0), self._paused_until.get(chat_id, 0.0))
            if until <= now:
                if chat_id is not None:
                    self._paused_until.pop(chat_id, None)
                return
            await asyncio.sleep(until - now)

    def _limiter(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            if len(self._chats) >= _KEEP_LIMITERS:
                for key, idle in list(self._chats.items()):
                    if idle.has_capacity(idle.max_rate):
                        del self._chats[key]
            is_group = isinstance(chat_id, str) or chat_id < 0
            limiter = self._chats[chat_id] = (
                AsyncLimiter(GROUP_PER_MINUTE, 60)
                if is_group
                else AsyncLimiter(CHAT_BURST, CHAT_BURST)
            )
        return limiter


def _seconds(retry_after: int | float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
