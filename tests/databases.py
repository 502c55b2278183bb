"""The databases the storage tests run against: SQLite always, PostgreSQL when one is given.

PostgreSQL tests need TEST_DATABASE_URL=postgresql://user:password@host[:port]/database, a
database the user may create schemas in. Each test gets a schema of its own (dropped
afterwards), passed to the bot as asyncpg's `search_path` URL parameter. Without a reachable
server the tests skip, unless REQUIRE_POSTGRES=1 (as in CI), which turns the skip into a
failure.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from typing import NoReturn
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import pytest

from bot.storage import open_storage
from bot.storage.sqlite import LOAD_STATE as SQLITE_LOAD
from flows.state import ChatState

BACKENDS = ("sqlite", "postgresql")


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason} (REQUIRE_POSTGRES=1: the PostgreSQL tests must run)")
    pytest.skip(reason)


def with_search_path(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("search_path", schema)])))


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A DATABASE_URL for an empty schema of its own on the test server."""
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server:
        unavailable(
            "no PostgreSQL to test against: set TEST_DATABASE_URL=postgresql://user:pass@host/db"
        )
    try:
        connection = await asyncpg.connect(server, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        unavailable(f"the PostgreSQL server at TEST_DATABASE_URL is not reachable: {error}")
    async with schema_of_its_own(connection, server, "careerpath_test") as url:
        yield url


@asynccontextmanager
async def schema_of_its_own(
    connection: asyncpg.Connection, server: str, prefix: str
) -> AsyncIterator[str]:
    """A new empty schema on the server (a DATABASE_URL whose search_path is it), dropped
    afterwards, and the connection closed."""
    schema = f"{prefix}_{secrets.token_hex(4)}"
    await connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(server, schema)
    finally:
        await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        await connection.close()


@asynccontextmanager
async def database_for(backend: str, directory: os.PathLike[str]) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{os.fspath(directory)}/bot.sqlite3"
    else:
        async with postgres_schema() as url:
            yield url


# How long a test's read of a SQLite database waits for a lock (only a checkpoint that
# resets the write-ahead log makes a WAL reader wait at all).
READ_TIMEOUT_SECONDS = 10.0


async def run_sql(database_url: str, statement: str) -> list[tuple[object, ...]]:
    """Run one statement and return its rows (no parameters, so the same text works on both
    backends)."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as connection, connection:
            return [tuple(row) for row in connection.execute(statement)]
    connection = await asyncpg.connect(database_url)
    try:
        return [tuple(row) for row in await connection.fetch(statement)]
    finally:
        await connection.close()


async def stored_state(database_url: str, chat_id: int) -> ChatState | None:
    """What the database holds for a chat, read the way the bot reads it. SQLite: the bot's
    own load statement and parser on a plain connection, not a whole storage, whose opening
    checks the schema under the write lock: several tests' readers at once beside a busy
    bot could wait out its busy timeout on a loaded machine ("database is locked")."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path, timeout=READ_TIMEOUT_SECONDS)) as connection:
            rows = connection.execute(SQLITE_LOAD, (chat_id,)).fetchall()
        return ChatState.from_json(rows[0][1], rows[0][0]) if rows else None
    storage = open_storage(database_url)
    await storage.open()
    try:
        return await storage.load(chat_id)
    finally:
        await storage.close()
