"""Webhook mode under abuse, against `python -m bot`: big bodies without the secret, slow
clients holding connections, replayed updates."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.bot_harness import BotProcess, free_port, webhook_env
from tests.stub_bot_api import StubBotApi
from tests.test_webhook import SECRET, SECRET_HEADER, messages_after, post, start_update

MB = 1024 * 1024


@contextlib.asynccontextmanager
async def webhook_bot(
    stub: StubBotApi, tmp_path: Path, **env: str
) -> AsyncIterator[tuple[BotProcess, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    bot = BotProcess.in_dir(
        stub,
        tmp_path,
        {**webhook_env(port, SECRET, "/telegram/updates"), **env},
    )
    try:
        await bot.start()
        yield bot, url
    finally:
        await bot.stop_quietly()


def rss_mb(bot: BotProcess) -> float:
    assert bot.process is not None
    status = Path(f"/proc/{bot.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def post_bytes(url: str, size: int, secret: str | None) -> int | str:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=b"{" + b" " * size + b"}", headers=headers) as response,
        ):
            return response.status
    except aiohttp.ClientError as error:  # the server may close before the body is sent
        return type(error).__name__


async def test_big_bodies_are_refused_before_they_are_read(
    stub: StubBotApi, tmp_path: Path
) -> None:
    user = stub.user(4401, "Mia")
    async with webhook_bot(stub, tmp_path) as (bot, url):
        await user.send("/start")
        before = rss_mb(bot)
        started = time.monotonic()
        outcomes = await asyncio.gather(*(post_bytes(url, 10 * MB, None) for _ in range(20)))
        assert all(o in (403, "ClientOSError", "ServerDisconnectedError") for o in outcomes), (
            outcomes
        )
        assert await post_bytes(url, 2 * MB, SECRET) in (413, "ClientOSError")
        assert time.monotonic() - started < 10, "refused cheaply"
        grown = rss_mb(bot) - before
        assert grown < 40, f"the process grew by {grown:.0f} MB reading bodies it refused"
        reply = await user.send("/help", reply_timeout=10)
        assert reply.messages, "still serving Telegram"


async def dribble_headers(port: int, give_up_at: float) -> bool:
    """Open a connection and send a request head a byte at a time (it would take over
    eight minutes); True if the server closed it before `give_up_at` (time.monotonic())."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return True
    head = b"POST /telegram/updates HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
    try:
        for byte in head:
            writer.write(bytes([byte]))
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    if await reader.read(1) == b"":
                        return True
            if time.monotonic() > give_up_at:
                return False
        return False
    except OSError:
        return True
    finally:
        writer.close()


@pytest.mark.slow
async def test_slow_clients_are_timed_out_and_cannot_starve_telegram(
    stub: StubBotApi, tmp_path: Path
) -> None:
    user = stub.user(4402, "Noa")
    async with webhook_bot(stub, tmp_path, WEBHOOK_READ_TIMEOUT="3") as (bot, _):
        assert bot.process is not None and bot.webhook_port is not None
        resource.prlimit(bot.process.pid, resource.RLIMIT_NOFILE, (256, 256))
        # The read timeout is 3 s; the rest is slack for a loaded machine accepting late.
        give_up_at = time.monotonic() + 20
        slow = [
            asyncio.create_task(dribble_headers(bot.webhook_port, give_up_at)) for _ in range(300)
        ]
        await asyncio.sleep(1.0)
        reply = await user.send("/start", reply_timeout=8)
        assert reply.last.text.startswith("👋 Hi Noa!"), "Telegram's update still gets in"
        closed = await asyncio.gather(*slow)
        assert sum(closed) == len(slow), "every slow client was cut off"
    log = bot.log()
    assert "Too many open files" not in log
    assert len(log.splitlines()) < 50, "the log did not fill up"


async def test_a_slow_body_is_timed_out(stub: StubBotApi, tmp_path: Path) -> None:
    async with webhook_bot(stub, tmp_path, WEBHOOK_READ_TIMEOUT="2") as (bot, _):
        assert bot.webhook_port is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", bot.webhook_port)
        writer.write(
            b"POST /telegram/updates HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            + f"{SECRET_HEADER}: {SECRET}\r\n\r\n".encode()
            + b"{"
        )
        await writer.drain()
        started = time.monotonic()
        async with asyncio.timeout(10):
            answer = await reader.read()
        writer.close()
        assert time.monotonic() - started < 5
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408")


async def test_a_replayed_update_is_handled_once(stub: StubBotApi, tmp_path: Path) -> None:
    stranger = stub.user(4403, "Max")
    async with webhook_bot(stub, tmp_path) as (_, url):
        update = start_update(700001, stranger.chat_id)
        statuses = await asyncio.gather(*(post(url, update, SECRET) for _ in range(3)))
        assert statuses == [200, 200, 200]
        assert await post(url, update, SECRET) == 200
        replies = await messages_after(stranger, 5.0)
        await asyncio.sleep(1.0)
        assert len(stranger.messages) == 1, [m.text for m in stranger.messages]
        assert replies[0].startswith("👋 Hi Max!")
