"""Webhook delivery: POST injected updates to the URL the bot registered with setWebhook."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .models import WebhookDelivery
from .updates import PendingUpdate, is_allowed

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDispatcher:
    """Delivers updates to the bot's webhook with up to ``max_connections`` POSTs in flight.

    Test knobs: ``omit_secret`` sends no ``X-Telegram-Bot-Api-Secret-Token`` header,
    ``secret_override`` sends that value instead of the registered secret. Failed deliveries
    (non-2xx or connection errors) are recorded, reported to ``on_delivered`` and not retried.

    As Telegram does, a 2xx answer whose JSON body names a ``method`` is a Bot API call made
    in the answer: ``on_reply`` runs it (before the delivery is reported), and its result is
    told to no one.
    """

    def __init__(
        self,
        on_delivered: Callable[[PendingUpdate, WebhookDelivery], None],
        on_reply: Callable[[dict[str, Any]], Awaitable[None]],
        delivery_timeout: float = 10.0,
        max_recorded: int = 100_000,
    ) -> None:
        self.url: str | None = None
        self.secret_token: str | None = None
        self.max_connections = 40
        self.allowed_updates: list[str] | None = None
        self.omit_secret = False
        self.secret_override: str | None = None
        self.deliveries: deque[WebhookDelivery] = deque(maxlen=max_recorded)
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._on_delivered = on_delivered
        self._on_reply = on_reply
        self._delivery_timeout = delivery_timeout
        self._queue: asyncio.Queue[PendingUpdate] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        return self.url is not None

    @property
    def pending_count(self) -> int:
        return self._queue.qsize()

    async def enable(
        self,
        url: str,
        secret_token: str | None,
        max_connections: int,
        allowed_updates: list[str] | None,
    ) -> None:
        """(Re)configure delivery; pending updates stay queued."""
        await self._stop_workers()
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        if allowed_updates is not None:
            self.allowed_updates = allowed_updates
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._delivery_timeout)
            )
        self._workers = [
            asyncio.create_task(self._deliver_forever(), name=f"stub-webhook-{index}")
            for index in range(max_connections)
        ]

    async def disable(self) -> list[PendingUpdate]:
        """Stop delivering; return the updates that were not POSTed yet."""
        await self._stop_workers()
        self.url = None
        self.secret_token = None
        return self.drain()

    def drain(self) -> list[PendingUpdate]:
        """Remove and return the updates not POSTed yet."""
        leftovers = []
        while not self._queue.empty():
            leftovers.append(self._queue.get_nowait())
        return leftovers

    def submit(self, update: PendingUpdate) -> None:
        """Queue ``update`` for delivery."""
        self._queue.put_nowait(update)

    async def close(self) -> None:
        """Stop the workers and close the HTTP session."""
        await self._stop_workers()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _stop_workers(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    def _headers(self) -> dict[str, str]:
        if self.omit_secret:
            return {}
        secret = self.secret_override if self.secret_override is not None else self.secret_token
        return {SECRET_HEADER: secret} if secret else {}

    async def _deliver_forever(self) -> None:
        while True:
            update = await self._queue.get()
            if is_allowed(update.kind, self.allowed_updates):
                await self._deliver(update)

    async def _deliver(self, update: PendingUpdate) -> None:
        assert self._session is not None and self.url is not None
        url, headers = self.url, self._headers()
        started_at = time.monotonic()
        update.timing.available_at = started_at
        update.timing.fetched_at = started_at
        status: int | None = None
        error: str | None = None
        try:
            async with self._session.post(url, json=update.payload, headers=headers) as response:
                status = response.status
                if not 200 <= status < 300:
                    error = f"Wrong response from the webhook: {status} {response.reason}"
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc.__class__.__name__}: {exc}"
        else:
            reply = _reply_call(body) if error is None else None
            if reply is not None:
                await self._on_reply(reply)
        delivery = WebhookDelivery(
            update_id=update.update_id,
            url=url,
            status=status,
            error=error,
            started_at=started_at,
            finished_at=time.monotonic(),
            sent_secret=headers.get(SECRET_HEADER),
        )
        self.deliveries.append(delivery)
        if error is not None:
            self.last_error_date = int(time.time())
            self.last_error_message = error
        self._on_delivered(update, delivery)


def _reply_call(body: bytes) -> dict[str, Any] | None:
    """The Bot API call in a webhook answer's body (JSON with a ``method``), if any."""
    if not body.strip():
        return None
    try:
        reply = json.loads(body)
    except ValueError:
        return None
    return reply if isinstance(reply, dict) and isinstance(reply.get("method"), str) else None
