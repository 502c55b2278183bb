"""Chat-state storage, chosen by DATABASE_URL."""

from __future__ import annotations

import time

from bot.storage.base import Clock, Storage, StorageError, StorageGone

__all__ = ["Storage", "StorageError", "StorageGone", "open_storage"]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_storage(database_url: str, clock: Clock = time.time) -> Storage:
    """sqlite:///relative/path, sqlite:////absolute/path, sqlite:///:memory:, or
    postgresql://user:password@host[:port]/database.

    Only the chosen backend's driver is imported: the other would cost the process memory
    (asyncpg about 3 MB) for nothing."""
    if database_url.startswith("sqlite:///"):
        from bot.storage.sqlite import SqliteStorage

        return SqliteStorage(database_url.removeprefix("sqlite:///"), clock)
    if database_url.startswith(POSTGRES_SCHEMES):
        from bot.storage.postgres import PostgresStorage

        return PostgresStorage(database_url, clock)
    raise StorageError(f"unsupported DATABASE_URL scheme: {database_url.split(':', 1)[0]}")
