"""One dialogue step for one chat: load the state, apply the step, save it, then reply."""

from __future__ import annotations

from collections.abc import Callable

from bot.storage import Storage
from flows.dialogue import Dialogue
from flows.replies import Outcome
from flows.state import ChatState

MAX_ATTEMPTS = 5


class ConflictError(Exception):
    """Another process kept changing this chat's state; the step was not applied."""


class Conversation:
    def __init__(self, dialogue: Dialogue, storage: Storage) -> None:
        self.dialogue = dialogue
        self.storage = storage

    async def step(self, chat_id: int, apply: Callable[[ChatState], Outcome]) -> Outcome:
        """Apply a step and commit its state before returning, so nothing the user sees
        acknowledged can be lost. On a concurrent write the step is re-applied to the fresh
        state, where an out-of-date button is recognised as such."""
        for _ in range(MAX_ATTEMPTS):
            state = await self.storage.load(chat_id)
            outcome = apply(state)
            if not outcome.changed:
                return outcome
            if await self.storage.save(chat_id, outcome.state, expected_version=state.version):
                return outcome
        raise ConflictError(f"state kept changing under {MAX_ATTEMPTS} attempts")
