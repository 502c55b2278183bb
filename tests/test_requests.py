"""Bot API requests beyond the connection pool wait their turn instead of failing."""

from __future__ import annotations

import asyncio
import json
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


def test_answers_orjson_refuses_are_read_as_python_telegram_bot_reads_them() -> None:
    # A lone surrogate (a self-hosted Bot API server passing on a broken name) and bytes
    # that are not UTF-8: orjson refuses both, PTB's own decoder replaces what it cannot read.
    surrogate = RetryingRequest.parse_json_payload(b'{"ok": true, "result": "\\ud800"}')
    assert surrogate == {"ok": True, "result": "\ud800"}
    not_utf8 = RetryingRequest.parse_json_payload(b'{"ok": true, "result": "caf\xe9"}')
    assert not_utf8 == {"ok": True, "result": "caf\ufffd"}


def test_requests_go_as_one_json_object_even_with_a_lone_surrogate() -> None:
    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    from bot.requests import _body

    def data(text: str) -> RequestData:
        parameters = {"chat_id": 1, "text": text, "reply_markup": {"inline_keyboard": []}}
        return RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])

    assert json.loads(_body(data("héllo"))) == {  # type: ignore[arg-type]
        "chat_id": 1,
        "text": "héllo",
        "reply_markup": {"inline_keyboard": []},
    }
    assert json.loads(_body(data("\ud800")))["text"] == "\ud800"  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["héllo", "\ud800"], ids=["plain", "a lone surrogate"])
def test_plain_json_parameters_go_as_ptb_sends_them(text: str) -> None:
    """bot/delivery.py's calls skip PTB's RequestParameter pass: the body is the same."""
    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    from bot.requests import PlainJson, _body

    parameters = {
        "chat_id": 1,
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
        "reply_markup": {"inline_keyboard": [[{"text": "Next ▶", "callback_data": "n:1"}]]},
    }
    through_ptb = RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])
    plain = PlainJson(parameters)
    assert not plain.contains_files
    assert plain.parameters == through_ptb.parameters
    assert plain.json_parameters == through_ptb.json_parameters
    assert _body(plain) == _body(through_ptb)


def test_get_updates_parameters_go_as_ptb_sends_them() -> None:
    """bot/polling.py's getUpdates goes as PlainJson too."""
    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    from bot.polling import BATCH, HANDLED_UPDATE_TYPES
    from bot.requests import PlainJson, _body

    parameters = {
        "timeout": 10.0,
        "limit": BATCH,
        "allowed_updates": list(HANDLED_UPDATE_TYPES),
        "offset": 815_000_001,
    }
    through_ptb = RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])
    plain = PlainJson(parameters)
    assert plain.json_parameters == through_ptb.json_parameters
    assert _body(plain) == _body(through_ptb)
