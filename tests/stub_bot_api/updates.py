"""The getUpdates queue: long polling with Telegram's offset/limit/timeout semantics."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import OTHER_GET_UPDATES, ApiError
from .models import UpdateTiming

# Update types Telegram only sends when explicitly listed in allowed_updates.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(slots=True)
class PendingUpdate:
    """An injected update on its way to the bot."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    timing: UpdateTiming


def is_allowed(kind: str, allowed_updates: list[str] | None) -> bool:
    """Telegram's filter: an empty/missing list means "everything except the opt-in types"."""
    if not allowed_updates:
        return kind not in OPT_IN_UPDATE_TYPES
    return kind in allowed_updates


class UpdateQueue:
    """Updates waiting to be fetched with getUpdates.

    Updates stay queued until a later ``offset`` confirms them, exactly like Telegram: an
    update returned to a request whose client went away is returned again next time.
    """

    def __init__(self, on_confirmed: Callable[[PendingUpdate], None] | None = None) -> None:
        self._on_confirmed = on_confirmed
        self._pending: deque[PendingUpdate] = deque()
        self._arrived = asyncio.Event()
        self._poll_generation = 0
        self._closed = False
        self.allowed_updates: list[str] | None = None

    def __len__(self) -> int:
        return len(self._pending)

    def put(self, update: PendingUpdate) -> None:
        """Make ``update`` available to getUpdates and wake a waiting long poll."""
        update.timing.available_at = time.monotonic()
        self._pending.append(update)
        self._wake()

    def put_back(self, updates: Iterable[PendingUpdate]) -> None:
        """Re-queue updates (e.g. undelivered webhook updates after deleteWebhook)."""
        for update in updates:
            self.put(update)

    def drain(self) -> list[PendingUpdate]:
        """Remove and return all pending updates (e.g. to hand them to a webhook)."""
        drained = list(self._pending)
        self._pending.clear()
        return drained

    def close(self) -> None:
        """Release all waiting long polls (used when the stub stops)."""
        self._closed = True
        self._wake()

    def reopen(self) -> None:
        """Undo ``close`` (the stub was started again)."""
        self._closed = False

    def unconfirmed_before(self, update_id: int) -> bool:
        """Whether an update older than ``update_id`` is still waiting for its confirmation
        (so a getUpdates offset cannot confirm ``update_id`` yet)."""
        return any(update.update_id < update_id for update in self._pending)

    def _wake(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()

    def _confirm(self, offset: int) -> None:
        pending = self._pending
        if offset > 0:
            while pending and pending[0].update_id < offset:
                update = pending.popleft()
                if update.timing.fetched_at is not None and update.timing.confirmed_at is None:
                    update.timing.confirmed_at = time.monotonic()
                    if self._on_confirmed is not None:
                        self._on_confirmed(update)
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()

    def _select(self, limit: int) -> list[PendingUpdate]:
        allowed = self.allowed_updates
        batch: list[PendingUpdate] = []
        for update in self._pending:
            if is_allowed(update.kind, allowed):
                batch.append(update)
                if len(batch) >= limit:
                    break
        return batch

    async def get(
        self, offset: int, limit: int, poll_timeout: float, allowed_updates: list[str] | None
    ) -> list[PendingUpdate]:
        """Serve one getUpdates call: confirm ``offset``, then return up to ``limit``
        updates, holding the request up to ``poll_timeout`` seconds while there are none.
        A newer getUpdates call terminates this one with 409 Conflict, like Telegram."""
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # a previous long poll, if any, notices it was superseded
        if allowed_updates is not None:
            self.allowed_updates = allowed_updates
        self._confirm(offset)
        deadline = time.monotonic() + poll_timeout
        while True:
            batch = self._select(limit)
            if batch or self._closed:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            arrived = self._arrived
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), remaining)
            if generation != self._poll_generation:
                raise ApiError(409, OTHER_GET_UPDATES)
        fetched_at = time.monotonic()
        for update in batch:
            if update.timing.fetched_at is None:
                update.timing.fetched_at = fetched_at
        return batch
