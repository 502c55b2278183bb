"""One storage interface for chat state, whatever database sits behind it."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flows.checkins import CheckinChange
from flows.state import ChatState

# Bump when the tables change, and add the statements that upgrade the previous version to
# every backend's UPGRADES.
SCHEMA_VERSION = 4

Clock = Callable[[], float]


class StorageError(Exception):
    """The database cannot be used as it is (unreachable, or its schema is newer than this
    code); the message says what to do."""


class StorageGone(StorageError):
    """The database the bot opened is no longer there (its file was deleted or replaced):
    nothing written now would be kept."""


@dataclass(frozen=True)
class Reminder:
    """One check-in waiting to be sent."""

    chat_id: int
    day: int  # 30, 60 or 90
    due_at: int  # Unix seconds
    plan: str  # "veteran-coding"
    language: str  # the chat's language when the user asked for it


class Storage(ABC):
    """Chat state keyed by chat id, written with optimistic concurrency; and the check-ins
    waiting to be sent.

    Every saved state carries a version; save() succeeds only if the stored version is still
    the one the caller read, so two bot processes can never silently overwrite each other.
    Each save also records when the chat was last touched, for the retention sweep.

    Daily tallies are aggregate counts per UTC day (how often each guide section answered a
    typed question, say), never tied to a chat: /forget and the retention sweep leave them.

    A check-in is sent by whichever process claims it first: claim_reminder() marks it as
    taken for a lease, atomically, so two processes (or one restarted) never both send it;
    finish_reminder() deletes it once sent. A process that dies holding a claim lets the
    lease run out, and the check-in is claimed again: late, never lost.
    """

    def __init__(self, clock: Clock = time.time) -> None:
        self.clock = clock

    @abstractmethod
    async def open(self) -> None:
        """Connect, create or upgrade the schema, refuse a schema newer than the code."""

    @abstractmethod
    async def close(self) -> None: ...

    def check(self) -> None:  # noqa: B027 - a database server has nothing to check here
        """Raise StorageGone when the database opened is no longer the one configured;
        cheap enough to call before every write."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the database does not answer a trivial query (for /readyz)."""

    @abstractmethod
    async def load(self, chat_id: int) -> ChatState | None:
        """The chat's state, or None if nothing is stored about the chat."""

    @abstractmethod
    async def save(
        self,
        chat_id: int,
        state: ChatState,
        expected_version: int | None,
        checkins: CheckinChange | None = None,
    ) -> bool:
        """Store state if the stored version is still expected_version (None: if nothing is
        stored yet), and apply the check-in change in the same transaction. False on
        conflict: someone else wrote first, and nothing changed."""

    @abstractmethod
    async def forget(self, chat_id: int) -> None:
        """Delete everything stored about the chat: its state and its check-ins. Whatever
        else gets stored per chat later must be deleted here too."""

    @abstractmethod
    async def forget_idle(self, idle_seconds: float) -> int:
        """Forget every chat not touched for idle_seconds, except chats with check-ins
        still to send; how many were forgotten."""

    @abstractmethod
    async def waiting_reminders(self, due_by: int) -> list[Reminder]:
        """Check-ins due by then (Unix seconds) that nobody holds a live claim on."""

    @abstractmethod
    async def claim_reminder(
        self, chat_id: int, day: int, token: str, lease_seconds: int
    ) -> Reminder | None:
        """Take a due check-in for lease_seconds, atomically; None if it is not due, gone
        (sent, stopped, forgotten) or held by another claim."""

    @abstractmethod
    async def finish_reminder(self, chat_id: int, day: int, token: str) -> None:
        """Delete a check-in that was sent, if the claim `token` still holds it."""

    @abstractmethod
    async def add_tallies(self, day: str, counts: Mapping[tuple[str, str], int]) -> None:
        """Add each (metric, label)'s count to its tally for day ('YYYY-MM-DD', UTC), all or
        none of them. Nothing about any chat is stored with them."""

    @abstractmethod
    async def tallies_since(self, day: str) -> list[tuple[str, str, str, int]]:
        """(day, metric, label, count) for every tally on day or later, oldest first."""

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
