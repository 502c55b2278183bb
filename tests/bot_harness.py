"""Running the real bot against the stub Bot API: in-process, or as `python -m bot`."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import REQUESTS, build_application, polling
from bot.config import Settings
from bot.requests import BACKOFF
from flows.schema import Content
from tests.stub_bot_api import Confirmations, StubBotApi

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The in-process bot retries as often as the shipped one, with each pause a fifth as long: a
# request that keeps failing is given up in 1.6 s rather than 7.8 s.
TEST_BACKOFF = tuple(pause / 5 for pause in BACKOFF)


def settings_for(stub: StubBotApi, database_url: str, **overrides: object) -> Settings:
    return Settings.model_validate(
        {"token": stub.token, "api_url": stub.url, "database_url": database_url, **overrides}
    )


@asynccontextmanager
async def running_bot(
    stub: StubBotApi, content: Content, database_url: str, **overrides: object
) -> AsyncIterator[Application]:
    application = build_application(settings_for(stub, database_url, **overrides), content)
    application.bot_data[REQUESTS][0]._backoff = TEST_BACKOFF
    report_each_handled_update(application, stub)
    async with polling(application, poll_timeout=1):
        yield application


def report_each_handled_update(application: Application, stub: StubBotApi) -> None:
    """Tell the stub the moment the bot has finished handling each update, so fake users
    wait exactly that long (the getUpdates offset alone says it only once every earlier
    update of every chat is done too)."""
    processor = application.update_processor
    process_update = processor.process_update

    async def reporting(update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await process_update(update, coroutine)
        except Exception:
            # Finished all the same (bot/polling.py confirms it); only a cancelled update,
            # left for the next process, is not.
            if isinstance(update, Update):
                stub.report_handled(update.update_id)
            raise
        if isinstance(update, Update):
            stub.report_handled(update.update_id)

    processor.process_update = reporting  # type: ignore[method-assign]
    stub.confirmations = Confirmations.EACH_HANDLED


def webhook_env(port: int, secret: str, path: str = "/telegram") -> dict[str, str]:
    """The settings of `python -m bot` in webhook mode, serving on 127.0.0.1:port."""
    return {
        "WEBHOOK_URL": f"http://127.0.0.1:{port}{path}",
        "WEBHOOK_SECRET": secret,
        "PORT": str(port),
        "WEBHOOK_LISTEN": "127.0.0.1",
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def run_until_exit(
    env: dict[str, str],
    wait_seconds: float = 30.0,
    args: tuple[str, ...] = (),
    python_options: tuple[str, ...] = (),
    stdin: bytes = b"",
    cwd: Path = PROJECT_ROOT,
) -> tuple[int, str]:
    """Run `python -m bot` with exactly this environment; its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *python_options,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(stdin), wait_seconds)
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


# What only serving Telegram needs: about half of `python -m bot`'s start-up CPU.
TELEGRAM_STACK = frozenset({"telegram", "aiohttp", "httpx", "apscheduler", "prometheus_client"})


async def packages_imported(
    env: dict[str, str], args: tuple[str, ...] = (), stdin: bytes = b""
) -> tuple[int, set[str]]:
    """Run `python -m bot` as run_until_exit does, with Python's own import log on
    (-X importtime); its exit code and the top-level packages it imported."""
    code, output = await run_until_exit(
        env, args=args, python_options=("-X", "importtime"), stdin=stdin
    )
    imported = re.findall(r"^import time:\s+\d+ \|\s+\d+ \| +([\w.]+)$", output, re.M)
    return code, {name.split(".")[0] for name in imported}


class BotProcess:
    """`python -m bot` (or another bot module) as a child process, pointed at the stub."""

    # Whether the fake users wait for python -m bot to confirm each update (see
    # Confirmations.HANDLED); off, they wait as for any bot.
    wait_for_confirmations = True
    SQLITE_FILE = "state.sqlite3"  # in_dir's database

    def __init__(
        self,
        stub: StubBotApi,
        database_url: str | None,
        log_path: Path,
        extra_env: dict[str, str] | None = None,
        module: str = "bot",
    ) -> None:
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": stub.token,
            "TELEGRAM_API_URL": stub.url,
            "PYTHONUNBUFFERED": "1",
            **({"DATABASE_URL": database_url} if database_url else {}),
            **(extra_env or {}),
        }
        self.stub = stub
        self.log_path = log_path
        self.module = module
        # bot/polling.py and bot/webhook.py confirm an update only once it was handled;
        # other modules (the benchmark's echo floor) poll with PTB's own Updater.
        confirms = module == "bot" and self.wait_for_confirmations
        stub.confirmations = Confirmations.HANDLED if confirms else Confirmations.FETCHED
        self.process: asyncio.subprocess.Process | None = None
        self.spawned_at = 0.0

    @classmethod
    def in_dir(
        cls, stub: StubBotApi, directory: Path, extra_env: dict[str, str] | None = None
    ) -> BotProcess:
        """`python -m bot` with its SQLite database (SQLITE_FILE) and its log (bot.log) in
        directory, a test's tmp_path."""
        return cls(
            stub, f"sqlite:///{directory / cls.SQLITE_FILE}", directory / "bot.log", extra_env
        )

    @property
    def webhook_port(self) -> int | None:
        """The port the bot serves its webhook on, None when it polls."""
        return int(self.env.get("PORT", "8080")) if self.env.get("WEBHOOK_URL") else None

    async def start(self, wait_seconds: float = 20.0) -> None:
        """Start the process and wait until it takes updates. Polling: it is about to poll
        (PTB deletes any webhook right before its first getUpdates, which the stub counts at
        once). Webhook: it has set its webhook and its web server accepts connections."""
        ready_call = "setWebhook" if self.webhook_port else "deleteWebhook"
        requests = self.stub.stats.requests_by_method
        calls_before = requests.get(ready_call, 0)
        with self.log_path.open("ab") as log:
            self.spawned_at = time.monotonic()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                self.module,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        deadline = time.monotonic() + wait_seconds
        while requests.get(ready_call, 0) <= calls_before or not await self._serving():
            if self.process.returncode is not None:
                raise AssertionError(f"bot exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"bot did not poll within {wait_seconds}s:\n{self.log()}")
            await asyncio.sleep(0.001)

    async def _serving(self) -> bool:
        if self.webhook_port is None:
            return True
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.webhook_port)
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True

    async def kill(self) -> None:
        """SIGKILL: no chance to flush or say goodbye."""
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def terminate(self, wait_seconds: float = 15.0) -> int:
        """SIGTERM, as a platform sends on shutdown; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(wait_seconds):
                return await self.process.wait()
        except TimeoutError:
            self.process.kill()
            raise AssertionError(
                f"bot ignored SIGTERM for {wait_seconds}s:\n{self.log()}"
            ) from None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop_quietly(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
