"""What the benchmark runs: the modes (how the Bot API and the users behave) and the bots."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from bench.journeys import Journey, Pace, echo_journey, quiz_journey
from tests.databases import schema_of_its_own
from tests.stub_bot_api import FloodLimits


@dataclass(frozen=True)
class Mode:
    """capacity: no flood control anywhere, users tap the moment a reply arrives, so the run
    shows how much work the code can do. production: the stub enforces Telegram's limits, the
    bot's own limiter is on, and users take human time between taps."""

    name: str
    flood_limits: FloodLimits | None
    bot_rate_limit: bool
    pace: Pace


def modes(production_think: tuple[float, float]) -> dict[str, Mode]:
    return {
        "capacity": Mode("capacity", None, bot_rate_limit=False, pace=Pace()),
        "production": Mode(
            "production", FloodLimits(), bot_rate_limit=True, pace=Pace(*production_think)
        ),
    }


@dataclass(frozen=True)
class Bot:
    """A bot process to load: its module (`python -m ...`), the journey its users take and
    the database it keeps state in (None: it keeps none)."""

    name: str
    module: str
    journey: Journey
    database: Callable[[Path], AsyncIterator[str | None]] = field(repr=False)
    stored_bytes: Callable[[str], Awaitable[int]] | None = field(default=None, repr=False)
    is_floor: bool = False
    env: Mapping[str, str] = field(default_factory=dict)  # set for its process
    # Serves /metrics when given METRICS_PORT (as the container image runs it), where the
    # benchmark reads each typed question's step CPU time.
    serves_metrics: bool = False


@asynccontextmanager
async def no_database(_: Path) -> AsyncIterator[str | None]:
    yield None


@asynccontextmanager
async def fresh_sqlite(directory: Path) -> AsyncIterator[str | None]:
    yield f"sqlite:///{directory / 'bench.sqlite3'}"


def _sqlite_file_bytes(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


async def sqlite_bytes(database_url: str) -> int:
    """Bytes on disk: the database file plus any write-ahead log not yet folded in."""
    path = Path(database_url.removeprefix("sqlite:///"))
    return await asyncio.to_thread(_sqlite_file_bytes, path)


@asynccontextmanager
async def fresh_postgres_schema(_: Path) -> AsyncIterator[str | None]:
    """An empty schema of its own on the TEST_DATABASE_URL server, dropped afterwards."""
    server = os.environ["TEST_DATABASE_URL"].strip()
    connection = await asyncpg.connect(server, timeout=10)
    async with schema_of_its_own(connection, server, "careerpath_bench") as url:
        yield url


async def postgres_bytes(database_url: str) -> int:
    """The chats table with its indexes and TOAST, as PostgreSQL accounts for it."""
    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        return await connection.fetchval("SELECT pg_total_relation_size('chats')")
    finally:
        await connection.close()


def echo_floor(transport: str) -> Bot:
    """The echo bot over one HTTP client: aiohttp (ours) or httpx (PTB's default)."""
    return Bot(
        f"echo/{transport}",
        "bench.echo_bot",
        echo_journey,
        no_database,
        is_floor=True,
        env={"ECHO_TRANSPORT": transport},
    )


def bots(with_postgres: bool) -> list[Bot]:
    chosen = [
        Bot(
            "careerpath/sqlite",
            "bot",
            quiz_journey,
            fresh_sqlite,
            sqlite_bytes,
            serves_metrics=True,
        ),
        echo_floor("aiohttp"),
        echo_floor("httpx"),
    ]
    if with_postgres:
        chosen.insert(
            1,
            Bot(
                "careerpath/postgres",
                "bot",
                quiz_journey,
                fresh_postgres_schema,
                postgres_bytes,
                serves_metrics=True,
            ),
        )
    return chosen
