"""One storage interface for chat state, whatever database sits behind it."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence

from flows.state import ChatState

# Bump when the tables change, and add the statements that upgrade the previous version to
# every backend's UPGRADES.
SCHEMA_VERSION = 2

Clock = Callable[[], float]


class StorageError(Exception):
    """The database cannot be used as it is (unreachable, or its schema is newer than this
    code); the message says what to do."""


class Storage(ABC):
    """Chat state keyed by chat id, written with optimistic concurrency.

    Every saved state carries a version; save() succeeds only if the stored version is still
    the one the caller read, so two bot processes can never silently overwrite each other.
    Each save also records when the chat was last touched, for the retention sweep.
    """

    def __init__(self, clock: Clock = time.time) -> None:
        self.clock = clock

    @abstractmethod
    async def open(self) -> None:
        """Connect, create or upgrade the schema, refuse a schema newer than the code."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def load(self, chat_id: int) -> ChatState | None:
        """The chat's state, or None if nothing is stored about the chat."""

    @abstractmethod
    async def save(self, chat_id: int, state: ChatState, expected_version: int | None) -> bool:
        """Store state if the stored version is still expected_version (None: if nothing is
        stored yet). False on conflict: someone else wrote first."""

    @abstractmethod
    async def forget(self, chat_id: int) -> None:
        """Delete everything stored about the chat. Whatever else gets stored per chat later
        (reminders, progress) must be deleted here too."""

    @abstractmethod
    async def forget_idle(self, idle_seconds: float) -> int:
        """Forget every chat not touched for idle_seconds; how many were forgotten."""

    def now(self) -> int:
        return int(self.clock())


def upgrades_due(found: int | None, upgrades: Mapping[int, Sequence[str]]) -> list[int]:
    """The schema versions to apply, in order, to a database at version `found` (None: a new
    database). A schema newer than the code is refused rather than risked."""
    assert sorted(upgrades) == list(range(1, SCHEMA_VERSION + 1)), "one step per version"
    current = found or 0
    if current > SCHEMA_VERSION:
        raise StorageError(
            f"The database schema is version {current}, newer than this code understands "
            f"({SCHEMA_VERSION}). It was written by a newer release of the bot: upgrade the "
            "bot, or point DATABASE_URL at another database."
        )
    return list(range(current + 1, SCHEMA_VERSION + 1))
