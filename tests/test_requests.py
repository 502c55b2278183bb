"""Bot API requests beyond the connection pool wait their turn instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.requests import RetryingRequest


@pytest.fixture
async def slow_server() -> AsyncIterator[tuple[str, list[int]]]:
    """A local HTTP server that takes 50 ms per request and notes how many it had at once."""
    concurrent = [0]
    peaks: list[int] = []

    async def handle(_: web.Request) -> web.Response:
        concurrent[0] += 1
        peaks.append(concurrent[0])
        await asyncio.sleep(0.05)
        concurrent[0] -= 1
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", peaks
    finally:
        await runner.cleanup()


async def test_requests_beyond_the_pool_queue_instead_of_timing_out(
    slow_server: tuple[str, list[int]],
) -> None:
    url, peaks = slow_server
    request = RetryingRequest(connection_pool_size=2, read_timeout=5, backoff=())
    await request.initialize()
    try:
        results = await asyncio.gather(
            *(request.do_request(f"{url}/getMe", "POST") for _ in range(8))
        )
    finally:
        await request.shutdown()
    assert [status for status, _ in results] == [200] * 8
    assert max(peaks) == 2, "never more requests on the wire than pooled connections"
