"""One storage interface for chat state, whatever database sits behind it."""

from __future__ import annotations

from abc import ABC, abstractmethod

from flows.state import ChatState

# Bump when the tables change, and add the step that upgrades the previous version.
SCHEMA_VERSION = 1


class StorageError(Exception):
    """The database cannot be used as it is (e.g. its schema is newer than this code)."""


class Storage(ABC):
    """Chat state keyed by chat id, written with optimistic concurrency.

    Every saved state carries a version; save() succeeds only if the stored version is still
    the one the caller read, so two bot processes can never silently overwrite each other.
    """

    @abstractmethod
    async def open(self) -> None:
        """Connect, create the schema on first use, refuse a schema newer than the code."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def load(self, chat_id: int) -> ChatState:
        """The chat's state, or a fresh one (version 0) for a chat never seen."""

    @abstractmethod
    async def save(self, chat_id: int, state: ChatState, expected_version: int) -> bool:
        """Store state if the stored version is still expected_version; False on conflict."""

    @abstractmethod
    async def forget(self, chat_id: int) -> None:
        """Delete everything stored about the chat."""


def newer_schema_error(found: int) -> StorageError:
    return StorageError(
        f"The database schema is version {found}, newer than this code understands "
        f"({SCHEMA_VERSION}). It was written by a newer release of the bot: upgrade the bot, "
        "or point DATABASE_URL at another database."
    )
