"""The embedded default: one SQLite file in WAL mode, driven from a worker thread."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.storage.base import Clock, Reminder, Storage, StorageError, upgrades_due
from flows.checkins import CheckinChange
from flows.state import ChatState

# Statements that bring the schema from the previous version to each version.
UPGRADES: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE chats (
            chat_id    INTEGER PRIMARY KEY,
            version    INTEGER NOT NULL,
            state      TEXT    NOT NULL,
            updated_at INTEGER NOT NULL
        )""",
    ),
    2: ("CREATE INDEX chats_updated_at ON chats (updated_at)",),
    3: (
        """CREATE TABLE reminders (
            chat_id       INTEGER NOT NULL,
            day           INTEGER NOT NULL,
            due_at        INTEGER NOT NULL,
            plan          TEXT    NOT NULL,
            language      TEXT    NOT NULL,
            claimed_by    TEXT,
            claimed_until INTEGER,
            PRIMARY KEY (chat_id, day)
        )""",
        "CREATE INDEX reminders_due_at ON reminders (due_at)",
    ),
    4: (
        """CREATE TABLE daily_counts (
            day    TEXT    NOT NULL,
            metric TEXT    NOT NULL,
            label  TEXT    NOT NULL DEFAULT '',
            count  INTEGER NOT NULL,
            PRIMARY KEY (day, metric, label)
        )""",
    ),
}
_REMINDER = "chat_id, day, due_at, plan, language"
# Times (50 ms apart) the switch to WAL is tried while another process holds the new file.
WAL_SWITCH_ATTEMPTS = 100


class SqliteStorage(Storage):
    def __init__(self, path: str, clock: Clock = time.time) -> None:
        super().__init__(clock)
        self.path = path
        self._db: aiosqlite.Connection | None = None
        # One connection: a transaction must not take in another coroutine's statements.
        self._lock = asyncio.Lock()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("storage used before open()")
        return self._db

    async def open(self) -> None:
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: every statement commits on its own unless we BEGIN.
            self._db = await aiosqlite.connect(self.path, isolation_level=None)
            await self.db.execute("PRAGMA busy_timeout=5000")
            # WAL + NORMAL: a committed step survives a killed process (only a power cut
            # can lose the last commits); readers never block the writer.
            await self._use_wal()
            await self.db.execute("PRAGMA synchronous=NORMAL")
            await self._prepare_schema()
        except (OSError, sqlite3.Error) as error:
            await self.close()
            raise StorageError(f"Cannot use the SQLite database {self.path}: {error}") from None
        except BaseException:
            await self.close()
            raise

    async def _use_wal(self) -> None:
        """Switch a new file to WAL. SQLite answers "locked" at once, without waiting, while
        another process opens the same new file, so wait here instead."""
        for _ in range(WAL_SWITCH_ATTEMPTS - 1):
            try:
                await self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
            await asyncio.sleep(0.05)
        await self.db.execute("PRAGMA journal_mode=WAL")

    async def _prepare_schema(self) -> None:
        # IMMEDIATE takes the write lock first, so two processes starting at once upgrade once.
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            await self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            async with self.db.execute("SELECT MAX(version) FROM schema_version") as cursor:
                (found,) = await cursor.fetchone() or (None,)
            for version in upgrades_due(found, UPGRADES):
                for statement in UPGRADES[version]:
                    await self.db.execute(statement)
                await self.db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def ping(self) -> None:
        async with self._lock, self.db.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def load(self, chat_id: int) -> ChatState | None:
        async with (
            self._lock,
            self.db.execute(
                "SELECT version, state FROM chats WHERE chat_id = ?", (chat_id,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return None if row is None else ChatState.from_json(row[1], row[0])

    async def save(
        self,
        chat_id: int,
        state: ChatState,
        expected_version: int | None,
        checkins: CheckinChange | None = None,
    ) -> bool:
        async with self._lock:
            if checkins is None:  # one statement: a transaction of its own
                return await self._save_state(chat_id, state, expected_version)
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                saved = await self._save_state(chat_id, state, expected_version)
                if saved:
                    await self._change_checkins(chat_id, checkins)
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
        return saved

    async def _save_state(
        self, chat_id: int, state: ChatState, expected_version: int | None
    ) -> bool:
        if expected_version is None:
            cursor = await self.db.execute(
                "INSERT INTO chats (chat_id, version, state, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (chat_id) DO NOTHING",
                (chat_id, state.version, state.to_json(), self.now()),
            )
        else:
            cursor = await self.db.execute(
                "UPDATE chats SET version = ?, state = ?, updated_at = ? "
                "WHERE chat_id = ? AND version = ?",
                (state.version, state.to_json(), self.now(), chat_id, expected_version),
            )
        saved = cursor.rowcount == 1
        await cursor.close()
        return saved

    async def _change_checkins(self, chat_id: int, change: CheckinChange) -> None:
        if change.move_only:
            await self.db.executemany(
                "UPDATE reminders SET due_at = ? "
                "WHERE chat_id = ? AND day = ? AND claimed_until IS NULL",
                [(due_at, chat_id, day) for day, due_at in change.due],
            )
            return
        await self.db.execute("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))
        await self.db.executemany(
            f"INSERT INTO reminders ({_REMINDER}) VALUES (?, ?, ?, ?, ?)",
            [(chat_id, day, due_at, change.plan, change.language) for day, due_at in change.due],
        )

    async def forget(self, chat_id: int) -> None:
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                await self.db.execute("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))
                await self.db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise

    async def forget_idle(self, idle_seconds: float) -> int:
        async with self._lock:
            cursor = await self.db.execute(
                "DELETE FROM chats WHERE updated_at < ? AND NOT EXISTS "
                "(SELECT 1 FROM reminders WHERE reminders.chat_id = chats.chat_id)",
                (self.now() - int(idle_seconds),),
            )
            forgotten = cursor.rowcount
            await cursor.close()
        return forgotten

    async def waiting_reminders(self, due_by: int) -> list[Reminder]:
        async with (
            self._lock,
            self.db.execute(
                f"SELECT {_REMINDER} FROM reminders "
                "WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                "ORDER BY due_at",
                (due_by, self.now()),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [Reminder(*row) for row in rows]

    async def claim_reminder(
        self, chat_id: int, day: int, token: str, lease_seconds: int
    ) -> Reminder | None:
        now = self.now()
        async with (
            self._lock,
            self.db.execute(
                "UPDATE reminders SET claimed_by = ?, claimed_until = ? "
                "WHERE chat_id = ? AND day = ? AND due_at <= ? "
                f"AND (claimed_until IS NULL OR claimed_until <= ?) RETURNING {_REMINDER}",
                (token, now + lease_seconds, chat_id, day, now, now),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return Reminder(*rows[0]) if rows else None

    async def finish_reminder(self, chat_id: int, day: int, token: str) -> None:
        async with self._lock:
            await self.db.execute(
                "DELETE FROM reminders WHERE chat_id = ? AND day = ? AND claimed_by = ?",
                (chat_id, day, token),
            )

    async def add_tallies(self, day: str, tallies: Sequence[tuple[str, str]]) -> None:
        counted = Counter(tallies)
        if not counted:
            return
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                await self.db.executemany(
                    "INSERT INTO daily_counts (day, metric, label, count) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (day, metric, label) DO UPDATE "
                    "SET count = daily_counts.count + excluded.count",
                    [(day, metric, label, n) for (metric, label), n in counted.items()],
                )
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise

    async def tallies_since(self, day: str) -> list[tuple[str, str, str, int]]:
        async with (
            self._lock,
            self.db.execute(
                "SELECT day, metric, label, count FROM daily_counts WHERE day >= ? "
                "ORDER BY day, metric, label",
                (day,),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [tuple(row) for row in rows]  # type: ignore[misc]
