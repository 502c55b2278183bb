"""The embedded default: one SQLite file in WAL mode, driven from a worker thread."""

from __future__ import annotations

import time
from pathlib import Path

import aiosqlite

from bot.storage.base import SCHEMA_VERSION, Storage, StorageError, newer_schema_error
from flows.state import ChatState

CREATE_SCHEMA = """
CREATE TABLE chats (
    chat_id    INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
"""


class SqliteStorage(Storage):
    def __init__(self, path: str) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("storage used before open()")
        return self._db

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: every statement commits on its own unless we BEGIN.
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        # WAL + NORMAL: a committed step survives a killed process; readers never block.
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=NORMAL")
        await self.db.execute("PRAGMA busy_timeout=5000")
        await self._prepare_schema()

    async def _prepare_schema(self) -> None:
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            await self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            async with self.db.execute("SELECT MAX(version) FROM schema_version") as cursor:
                (found,) = await cursor.fetchone() or (None,)
            if found is None:
                for statement in filter(str.strip, CREATE_SCHEMA.split(";")):
                    await self.db.execute(statement)
                await self.db.execute(
                    "INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,)
                )
            elif found > SCHEMA_VERSION:
                raise newer_schema_error(found)
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def load(self, chat_id: int) -> ChatState:
        async with self.db.execute(
            "SELECT version, state FROM chats WHERE chat_id = ?", (chat_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return ChatState() if row is None else ChatState.from_json(row[1], row[0])

    async def save(self, chat_id: int, state: ChatState, expected_version: int) -> bool:
        now = int(time.time())
        if expected_version == 0:
            cursor = await self.db.execute(
                "INSERT INTO chats (chat_id, version, state, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (chat_id) DO NOTHING",
                (chat_id, state.version, state.to_json(), now),
            )
        else:
            cursor = await self.db.execute(
                "UPDATE chats SET version = ?, state = ?, updated_at = ? "
                "WHERE chat_id = ? AND version = ?",
                (state.version, state.to_json(), now, chat_id, expected_version),
            )
        saved = cursor.rowcount == 1
        await cursor.close()
        return saved

    async def forget(self, chat_id: int) -> None:
        await self.db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
