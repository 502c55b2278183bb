"""Per-chat state: the bot's messages, the users' messages, activity signalling for
waiters and the updates still waiting for the bot's first reaction."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator
from typing import Any

from .models import BotMessage, UpdateTiming
from .replies import ReplyEvent


class ChatState:
    """Everything the stub knows about one chat. All lookups are O(1) by message id."""

    __slots__ = (
        "_activity",
        "_collectors",
        "_next_message_id",
        "_previous_request_ok",
        "_updates_at_previous_request",
        "awaiting_reaction",
        "blocked_bot",
        "chat",
        "id",
        "last_request_at",
        "messages",
        "messages_limit",
        "requests_held",
        "requests_seen",
        "settle_not_before",
        "updates_injected",
        "user_messages",
    )

    def __init__(self, chat: dict[str, Any], messages_limit: int | None = None) -> None:
        self.chat = chat
        self.id: int = chat["id"]
        self.messages: dict[int, BotMessage] = {}
        self.user_messages: dict[int, dict[str, Any]] = {}
        self.messages_limit = messages_limit
        self.blocked_bot = False
        self.requests_seen = 0
        self.last_request_at = 0.0
        # After a 429 or an injected fault the bot is expected to retry: waiters keep
        # waiting until then; requests held by a TIMEOUT fault count as ongoing activity.
        self.settle_not_before = 0.0
        self.requests_held = 0
        self.awaiting_reaction: deque[UpdateTiming] = deque()
        self.updates_injected = 0
        self._updates_at_previous_request = 0
        self._previous_request_ok = False
        self._next_message_id = 1
        self._collectors: list[list[ReplyEvent]] = []
        self._activity = asyncio.Event()

    def next_message_id(self) -> int:
        """Message ids grow per chat and are shared by the users' and the bot's messages."""
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def store(self, message: BotMessage) -> None:
        """Insert or replace (after an edit) a bot message, evicting the oldest if bounded."""
        self.messages[message.message_id] = message
        self._trim(self.messages)

    def store_user_message(self, message: dict[str, Any]) -> None:
        self.user_messages[message["message_id"]] = message
        self._trim(self.user_messages)

    def _trim(self, store: dict[int, Any]) -> None:
        if self.messages_limit is not None:
            while len(store) > self.messages_limit:
                del store[next(iter(store))]

    def record(self, event: ReplyEvent) -> None:
        """Hand ``event`` to every waiter currently collecting this chat's replies."""
        for collector in self._collectors:
            collector.append(event)

    @contextlib.contextmanager
    def collecting(self) -> Iterator[list[ReplyEvent]]:
        """Collect the events recorded while the ``with`` block runs."""
        collector: list[ReplyEvent] = []
        self._collectors.append(collector)
        try:
            yield collector
        finally:
            # By identity: list.remove compares by equality, and two waiters that have
            # collected the same events are equal lists, so it could drop the wrong one.
            self._collectors = [c for c in self._collectors if c is not collector]

    def note_request(self, now: float, ok: bool = True) -> float | None:
        """A bot request concerning this chat was handled: wake the waiters.

        Returns the time since the previous request when both were made while handling the
        same update and the previous one succeeded: the bot's pace within one handler."""
        gap = None
        if self._previous_request_ok and self._updates_at_previous_request == self.updates_injected:
            gap = now - self.last_request_at
        self._updates_at_previous_request = self.updates_injected
        self._previous_request_ok = ok
        self.requests_seen += 1
        self.last_request_at = now
        self.poke()
        return gap

    def poke(self) -> None:
        """Wake the waiters without counting a request (e.g. a webhook delivery failed)."""
        self._activity.set()
        self._activity = asyncio.Event()

    async def wait_for_activity(self, seconds: float) -> bool:
        """Sleep until the next ``note_request``/``poke`` (return True) or until ``seconds``
        have passed (return False)."""
        activity = self._activity
        try:
            await asyncio.wait_for(activity.wait(), max(seconds, 0.0))
        except TimeoutError:
            return False
        return True

    def reacted(self, now: float) -> None:
        """The bot sent/edited something here: the oldest update waiting for a reaction
        gets its ``first_response_at``."""
        while self.awaiting_reaction:
            timing = self.awaiting_reaction.popleft()
            if timing.first_response_at is None:
                timing.first_response_at = now
                return
