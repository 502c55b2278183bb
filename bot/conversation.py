"""One dialogue step for one chat: load the state, apply the step, save it, then reply."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from bot.storage import Storage
from bot.tallies import DailyTallies, Tallies
from flows.dialogue import Dialogue
from flows.replies import Outcome
from flows.state import ChatState

MAX_ATTEMPTS = 5
# A chat with nothing stored starts its version count at a random point below this, so a
# count restarted by /forget or the retention sweep never matches a button drawn before.
FIRST_VERSION_BELOW = 10**8


class ConflictError(Exception):
    """Another process kept changing this chat's state; the step was not applied."""


class Conversation:
    def __init__(
        self,
        dialogue: Dialogue,
        storage: Storage,
        on_tallies: Callable[[Tallies], None] | None = None,
    ) -> None:
        """on_tallies: told of each step's tallies as well (the /metrics funnel)."""
        self.dialogue = dialogue
        self.storage = storage
        self.tallies = DailyTallies(storage, on_tallies)

    async def step(self, chat_id: int, apply: Callable[[ChatState], Outcome]) -> Outcome:
        """Apply a step and commit its state, with the check-ins it schedules or stops (or
        the erasure it asks for), before returning, so nothing the user sees acknowledged
        can be lost; then count the step's tallies for today (written within seconds, see
        bot/tallies.py)."""
        outcome = await self._apply(chat_id, apply)
        if outcome.tallies:
            self.tallies.add(outcome.tallies)
        return outcome

    async def _apply(self, chat_id: int, apply: Callable[[ChatState], Outcome]) -> Outcome:
        """When another process wrote first, the step is re-applied to the fresh state,
        where an out-of-date button is recognised as such."""
        for _ in range(MAX_ATTEMPTS):
            stored = await self.storage.load(chat_id)
            state = stored or ChatState(version=secrets.randbelow(FIRST_VERSION_BELOW))
            outcome = apply(state)
            if outcome.erase:
                await self.storage.forget(chat_id)
                return outcome
            if not outcome.changed:
                return outcome
            expected = stored.version if stored else None
            saved = await self.storage.save(
                chat_id, outcome.state, expected_version=expected, checkins=outcome.checkins
            )
            if saved:
                return outcome
        raise ConflictError(f"state kept changing under {MAX_ATTEMPTS} attempts")
