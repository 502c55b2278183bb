"""PostgreSQL, for several bot processes sharing one database (asyncpg connection pool)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import asyncpg

from bot.storage.base import Clock, Reminder, Storage, StorageError, upgrades_due
from flows.checkins import CheckinChange
from flows.state import ChatState

# Statements that bring the schema from the previous version to each version; the same
# tables as SQLite's, so the two backends behave alike.
UPGRADES: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE chats (
            chat_id    BIGINT  PRIMARY KEY,
            version    INTEGER NOT NULL,
            state      TEXT    NOT NULL,
            updated_at BIGINT  NOT NULL
        )""",
    ),
    2: ("CREATE INDEX chats_updated_at ON chats (updated_at)",),
    3: (
        """CREATE TABLE reminders (
            chat_id       BIGINT  NOT NULL,
            day           INTEGER NOT NULL,
            due_at        BIGINT  NOT NULL,
            plan          TEXT    NOT NULL,
            language      TEXT    NOT NULL,
            claimed_by    TEXT,
            claimed_until BIGINT,
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

# Held while the schema is checked, so replicas starting together upgrade it once.
_SCHEMA_LOCK = 0x436172656572  # "Career"


class _NoSessionStateConnection(asyncpg.Connection):  # type: ignore[misc]
    """The bot sets no session state (no SET, LISTEN, advisory lock or cursor), so the reset
    query asyncpg sends each time a pooled connection is released was a round trip to the
    server for nothing, once per load and per save. asyncpg still ends any open transaction
    on release."""

    def get_reset_query(self) -> str:
        return ""


class PostgresStorage(Storage):
    def __init__(self, url: str, clock: Clock = time.time, max_connections: int = 10) -> None:
        super().__init__(clock)
        self.url = url
        self.max_connections = max_connections
        self._pool: asyncpg.Pool | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StorageError("storage used before open()")
        return self._pool

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=1,
                max_size=self.max_connections,
                timeout=10,
                connection_class=_NoSessionStateConnection,
            )
            await self._prepare_schema()
        except (OSError, TimeoutError, ValueError, asyncpg.PostgresError) as error:
            await self.close()
            raise StorageError(
                f"Cannot use the PostgreSQL database at {_where(self.url)}: {error}. "
                "Check DATABASE_URL and that the server is running."
            ) from None
        except BaseException:
            await self.close()
            raise

    async def _prepare_schema(self) -> None:
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            found = await connection.fetchval("SELECT MAX(version) FROM schema_version")
            for version in upgrades_due(found, UPGRADES):
                for statement in UPGRADES[version]:
                    await connection.execute(statement)
                await connection.execute(
                    "INSERT INTO schema_version (version) VALUES ($1)", version
                )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def ping(self) -> None:
        await self.pool.fetchval("SELECT 1")

    async def load(self, chat_id: int) -> ChatState | None:
        row = await self.pool.fetchrow(
            "SELECT version, state FROM chats WHERE chat_id = $1", chat_id
        )
        return None if row is None else ChatState.from_json(row["state"], row["version"])

    async def save(
        self,
        chat_id: int,
        state: ChatState,
        expected_version: int | None,
        checkins: CheckinChange | None = None,
    ) -> bool:
        if checkins is None:  # one statement: a transaction of its own
            return await self._save_state(self.pool, chat_id, state, expected_version)
        async with self.pool.acquire() as connection, connection.transaction():
            saved = await self._save_state(connection, chat_id, state, expected_version)
            if saved:
                await self._change_checkins(connection, chat_id, checkins)
        return saved

    async def _save_state(
        self,
        db: asyncpg.Pool | asyncpg.Connection,
        chat_id: int,
        state: ChatState,
        expected_version: int | None,
    ) -> bool:
        if expected_version is None:
            status = await db.execute(
                "INSERT INTO chats (chat_id, version, state, updated_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (chat_id) DO NOTHING",
                chat_id,
                state.version,
                state.to_json(),
                self.now(),
            )
        else:
            status = await db.execute(
                "UPDATE chats SET version = $1, state = $2, updated_at = $3 "
                "WHERE chat_id = $4 AND version = $5",
                state.version,
                state.to_json(),
                self.now(),
                chat_id,
                expected_version,
            )
        return _rows(status) == 1

    @staticmethod
    async def _change_checkins(
        connection: asyncpg.Connection, chat_id: int, change: CheckinChange
    ) -> None:
        if change.move_only:
            await connection.executemany(
                "UPDATE reminders SET due_at = $1 "
                "WHERE chat_id = $2 AND day = $3 AND claimed_until IS NULL",
                [(due_at, chat_id, day) for day, due_at in change.due],
            )
            return
        await connection.execute("DELETE FROM reminders WHERE chat_id = $1", chat_id)
        await connection.executemany(
            f"INSERT INTO reminders ({_REMINDER}) VALUES ($1, $2, $3, $4, $5)",
            [(chat_id, day, due_at, change.plan, change.language) for day, due_at in change.due],
        )

    async def forget(self, chat_id: int) -> None:
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute("DELETE FROM reminders WHERE chat_id = $1", chat_id)
            await connection.execute("DELETE FROM chats WHERE chat_id = $1", chat_id)

    async def forget_idle(self, idle_seconds: float) -> int:
        status = await self.pool.execute(
            "DELETE FROM chats WHERE updated_at < $1 AND NOT EXISTS "
            "(SELECT 1 FROM reminders WHERE reminders.chat_id = chats.chat_id)",
            self.now() - int(idle_seconds),
        )
        return _rows(status)

    async def waiting_reminders(self, due_by: int) -> list[Reminder]:
        rows = await self.pool.fetch(
            f"SELECT {_REMINDER} FROM reminders "
            "WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $2) "
            "ORDER BY due_at",
            due_by,
            self.now(),
        )
        return [Reminder(*row) for row in rows]

    async def claim_reminder(
        self, chat_id: int, day: int, token: str, lease_seconds: int
    ) -> Reminder | None:
        # Under READ COMMITTED a second claimer waits for the first to commit, then
        # re-checks the WHERE clause against the claimed row, and finds nothing to take.
        now = self.now()
        row = await self.pool.fetchrow(
            "UPDATE reminders SET claimed_by = $1, claimed_until = $2 "
            "WHERE chat_id = $3 AND day = $4 AND due_at <= $5 "
            f"AND (claimed_until IS NULL OR claimed_until <= $5) RETURNING {_REMINDER}",
            token,
            now + lease_seconds,
            chat_id,
            day,
            now,
        )
        return None if row is None else Reminder(*row)

    async def finish_reminder(self, chat_id: int, day: int, token: str) -> None:
        await self.pool.execute(
            "DELETE FROM reminders WHERE chat_id = $1 AND day = $2 AND claimed_by = $3",
            chat_id,
            day,
            token,
        )

    async def add_tallies(self, day: str, counts: Mapping[tuple[str, str], int]) -> None:
        counted = {pair: n for pair, n in counts.items() if n}
        if not counted:
            return
        # Sorted, so two processes adding the same pairs lock the rows in the same order.
        await self.pool.executemany(
            "INSERT INTO daily_counts (day, metric, label, count) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (day, metric, label) DO UPDATE "
            "SET count = daily_counts.count + excluded.count",
            [(day, metric, label, n) for (metric, label), n in sorted(counted.items())],
        )

    async def tallies_since(self, day: str) -> list[tuple[str, str, str, int]]:
        rows = await self.pool.fetch(
            "SELECT day, metric, label, count FROM daily_counts WHERE day >= $1 "
            "ORDER BY day, metric, label",
            day,
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _rows(status: str) -> int:
    """Rows affected, from a command status such as 'UPDATE 1' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


def _where(url: str) -> str:
    """host:port/database, never the password."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or 'localhost'}{port}{parts.path}"
