"""Chat-state storage, chosen by DATABASE_URL."""

from __future__ import annotations

from bot.storage.base import Storage, StorageError
from bot.storage.sqlite import SqliteStorage

__all__ = ["Storage", "StorageError", "open_storage"]


def open_storage(database_url: str) -> Storage:
    """sqlite:///relative/path, sqlite:////absolute/path or sqlite:///:memory:."""
    if database_url.startswith("sqlite:///"):
        return SqliteStorage(database_url.removeprefix("sqlite:///"))
    raise StorageError(f"unsupported DATABASE_URL scheme: {database_url.split(':', 1)[0]}")
