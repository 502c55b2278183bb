"""The embedded default: one SQLite file in WAL mode, driven from a worker thread, except a
step's own read and write, which mostly run on the event loop's thread (see _instant)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.base import Clock, Reminder, Storage, StorageError, StorageGone, upgrades_due
from flows.checkins import CheckinChange
from flows.state import ChatState

log = logging.getLogger(__name__)

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
# A chat's stored state and its version (tests/databases.py reads chats with it too).
LOAD_STATE = "SELECT version, state FROM chats WHERE chat_id = ?"
# Writes made on the event loop's thread between two checkpoints (SQLite's own automatic
# checkpoint comes at about 1,000 pages; a step writes two or three).
CHECKPOINT_EVERY = 300
# Times (50 ms apart) the switch to WAL is tried while another process holds the new file.
WAL_SWITCH_ATTEMPTS = 100
# How long a write waits for a lock another process holds before the step fails ("not
# saved"); reads rarely wait at all (WAL), only while a checkpoint resets the log.
WRITE_BUSY_MS = 3000
READ_BUSY_MS = 1000


class SqliteStorage(Storage):
    def __init__(self, path: str, clock: Clock = time.time) -> None:
        super().__init__(clock)
        self.path = path
        self._db: aiosqlite.Connection | None = None
        # One connection: a transaction must not take in another coroutine's statements.
        self._lock = asyncio.Lock()
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        self._reader: aiosqlite.Connection | None = None  # None: reads share self.db
        # A step's one-statement read and write on the event loop's thread: a primary-key
        # lookup or a one-row write takes microseconds, against round trips to a worker
        # thread that cost ten times that under load. Nothing here ever waits: busy_timeout
        # is 0, so a statement that would wait for a lock (a transaction on self.db, another
        # process, a checkpoint emptying the log) goes to the worker threads instead; and it
        # never checkpoints (the one thing that fsyncs), self.db does that every
        # CHECKPOINT_EVERY writes made here.
        self._instant: sqlite3.Connection | None = None
        self._instant_writes = 0
        self._checkpoint: asyncio.Task[None] | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("storage used before open()")
        return self._db

    async def open(self) -> None:
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = await _connect(self.path)
            await self.db.execute(f"PRAGMA busy_timeout={WRITE_BUSY_MS}")
            # WAL + NORMAL: a committed step survives a killed process (only a power cut
            # can lose the last commits); readers never block the writer.
            await self._use_wal()
            await self.db.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten with zeros, not just unlinked from the b-tree:
            # what /forget deletes does not stay readable in free pages.
            await self.db.execute("PRAGMA secure_delete=ON")
            await self._prepare_schema()
            if self.path != ":memory:":
                opened = os.stat(self.path)
                self._identity = (opened.st_dev, opened.st_ino)
                # Reads on a connection of their own: in WAL mode they never wait for a
                # writer, so a write lock held elsewhere (a replica, a backup, a sqlite3
                # shell) stalls only the steps that write, not every chat.
                self._reader = await _connect(self.path)
                await self._reader.execute(f"PRAGMA busy_timeout={READ_BUSY_MS}")
                await self._reader.execute("PRAGMA query_only=ON")
                self._instant = sqlite3.connect(self.path, isolation_level=None)
                for pragma in (
                    "busy_timeout=0",
                    "synchronous=NORMAL",
                    "secure_delete=ON",
                    "wal_autocheckpoint=0",
                ):
                    self._instant.execute(f"PRAGMA {pragma}")
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

    def check(self) -> None:
        if self._identity is None:
            return
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            now = None
        if now is None or (now.st_dev, now.st_ino) != self._identity:
            raise StorageGone(
                f"The SQLite database {self.path} was deleted or replaced while the bot was "
                "running, so nothing the bot writes would be kept. The bot stopped; restore "
                "the file from a backup (or accept starting empty) and start it again."
            )

    @property
    def reads(self) -> aiosqlite.Connection:
        return self._reader or self.db

    def _read_lock(self) -> asyncio.Lock | contextlib.nullcontext[None]:
        """Reads on the writer's connection (":memory:") must not slip into a transaction."""
        return self._lock if self._reader is None else contextlib.nullcontext()

    async def close(self) -> None:
        if self._checkpoint is not None:
            with contextlib.suppress(Exception):
                await self._checkpoint
            self._checkpoint = None
        if self._instant is not None:
            self._instant.close()
            self._instant = None
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def ping(self) -> None:
        async with self._lock, self.db.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    # Each statement on an aiosqlite connection is a round trip to its thread, and those
    # hand-offs, not SQLite, were most of a step's cost under load (about 40 µs each against
    # 10 µs for a whole load and save): so every step's read and write is one statement
    # answered in one trip (execute_fetchall, RETURNING), never execute + fetch + close.

    async def load(self, chat_id: int) -> ChatState | None:
        rows = self._at_once(LOAD_STATE, (chat_id,))
        if rows is None:
            async with self._read_lock():
                rows = await self.reads.execute_fetchall(LOAD_STATE, (chat_id,))
        for version, state in rows:
            return ChatState.from_json(state, version)
        return None

    def _at_once(self, statement: str, parameters: Sequence[object]) -> list[Any] | None:
        """The statement's rows, run on this thread; None when SQLite would have it wait
        (nothing was done: it is for a worker thread) or there is no such connection
        (":memory:")."""
        if self._instant is None:
            return None
        try:
            return self._instant.execute(statement, parameters).fetchall()
        except sqlite3.OperationalError:  # busy or locked; anything worse, the worker's
            return None  # attempt will meet again and raise

    async def _write(self, statement: str, parameters: Sequence[object]) -> list[Any]:
        """One statement, a transaction of its own: on this thread unless it would wait,
        else on the worker's connection (after any transaction running there)."""
        rows = self._at_once(statement, parameters)
        if rows is None:
            async with self._lock:
                return list(await self.db.execute_fetchall(statement, parameters))
        self._instant_writes += 1
        if self._instant_writes >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._instant_writes = 0
            self._checkpoint = asyncio.get_running_loop().create_task(self._fold_log())
        return rows

    async def _fold_log(self) -> None:
        """Copy the log into the database without waiting for anyone (PASSIVE), as SQLite's
        automatic checkpoint would have, on the worker thread."""
        try:
            async with self._lock:
                await self.db.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as error:  # the next one will try again
            log.warning("could not fold the write-ahead log: %s", type(error).__name__)
        finally:
            self._checkpoint = None

    async def save(
        self,
        chat_id: int,
        state: ChatState,
        expected_version: int | None,
        checkins: CheckinChange | None = None,
    ) -> bool:
        self.check()
        if checkins is None:  # one statement: a transaction of its own
            rows = await self._write(*self._state_write(chat_id, state, expected_version))
            return len(rows) == 1
        async with self._lock:
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
        rows = await self.db.execute_fetchall(*self._state_write(chat_id, state, expected_version))
        return len(list(rows)) == 1

    def _state_write(
        self, chat_id: int, state: ChatState, expected_version: int | None
    ) -> tuple[str, tuple[object, ...]]:
        """The one statement that saves a state, returning a row only if it did."""
        if expected_version is None:
            return (
                "INSERT INTO chats (chat_id, version, state, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (chat_id) DO NOTHING RETURNING 1",
                (chat_id, state.version, state.to_json(), self.now()),
            )
        return (
            "UPDATE chats SET version = ?, state = ?, updated_at = ? "
            "WHERE chat_id = ? AND version = ? RETURNING 1",
            (state.version, state.to_json(), self.now(), chat_id, expected_version),
        )

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
        self.check()
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                await self.db.execute("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))
                await self.db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self._erase_wal()

    async def _erase_wal(self) -> None:
        """Copy the WAL into the database and empty it: until then, the pages a delete
        replaced (the chat's answers, persona, time zone) stay readable in the -wal file,
        even after a kill -9. Waits (busy_timeout) for other processes' readers."""
        async with self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            row = await cursor.fetchone()
        if row is not None and row[0]:
            log.warning("the WAL could not be emptied after a deletion (a reader held it)")

    async def forget_idle(self, idle_seconds: float) -> int:
        async with self._lock:
            cursor = await self.db.execute(
                "DELETE FROM chats WHERE updated_at < ? AND NOT EXISTS "
                "(SELECT 1 FROM reminders WHERE reminders.chat_id = chats.chat_id)",
                (self.now() - int(idle_seconds),),
            )
            forgotten = cursor.rowcount
            await cursor.close()
            if forgotten:
                await self._erase_wal()
        return forgotten

    async def waiting_reminders(self, due_by: int) -> list[Reminder]:
        async with (
            self._read_lock(),
            self.reads.execute(
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

    async def add_tallies(self, day: str, counts: Mapping[tuple[str, str], int]) -> None:
        counted = {pair: n for pair, n in counts.items() if n}
        if not counted:
            return
        rows = ", ".join(["(?, ?, ?, ?)"] * len(counted))  # one statement: one transaction
        statement = (
            f"INSERT INTO daily_counts (day, metric, label, count) VALUES {rows} "
            "ON CONFLICT (day, metric, label) DO UPDATE "
            "SET count = daily_counts.count + excluded.count"
        )
        parameters = [
            value for (metric, label), n in counted.items() for value in (day, metric, label, n)
        ]
        await self._write(statement, parameters)

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


async def _connect(path: str) -> aiosqlite.Connection:
    # isolation_level=None: every statement commits on its own unless we BEGIN.
    connecting = aiosqlite.connect(path, isolation_level=None)
    # aiosqlite's worker thread is not a daemon: if closing ever hangs (a stuck disk), it
    # would keep a SIGTERMed process alive past the platform's grace period. Every commit is
    # already durable when it returns.
    connecting._thread.daemon = True
    return await connecting
