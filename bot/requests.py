"""Bot API requests over aiohttp, surviving Telegram's bad moments: 5xx, timeouts, dropped
connections.

Why not PTB's default HTTPXRequest: profiling the bot under load (python -m bench) put
two thirds of its CPU time in httpx and httpcore, about 1.5 ms per request on a small
machine against about 0.2 ms for aiohttp, and every update costs two or three requests."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.metrics import api_outcome

log = logging.getLogger(__name__)

# Seconds to wait before each retry; jitter keeps many chats from retrying in lockstep.
BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)
CONNECT_TIMEOUT = 5.0
# What PTB passes for "no timeout given for this call: use yours".
_NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)


class RetryingRequest(BaseRequest):
    """A Bot API transport that retries transient failures with exponential backoff.

    Retried: HTTP 5xx, a 200 whose body is not JSON, timeouts and connection errors. Not
    retried: 4xx (a bad request stays bad) and 429, which the rate limiter handles by waiting
    retry_after. Edits and callback answers are idempotent; a retried sendMessage could
    appear twice only if Telegram handled the first attempt yet never answered it (or its
    answer came back garbled), the lesser evil next to a user left with no reply.

    At most connection_pool_size requests are on the wire at once; more wait their turn for a
    pooled connection, without a deadline.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int,
        read_timeout: float,
        backoff: tuple[float, ...] = BACKOFF,
        observe: Callable[[str, str], None] | None = None,
    ) -> None:
        """observe(method, outcome): told of every attempt (bot/metrics.py)."""
        self._observe = observe or (lambda method, outcome: None)
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._backoff = backoff
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Telegram's answer, decoded with orjson (several times faster than the standard
        library on every update, send and edit); an answer orjson refuses (invalid UTF-8,
        a lone surrogate) goes to PTB's decoder, which replaces what it cannot read."""
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]  # the URL holds the token: never log it whole
        limits = aiohttp.ClientTimeout(
            sock_connect=_given(connect_timeout, CONNECT_TIMEOUT),
            sock_read=_given(read_timeout, self._read_timeout),
        )
        for attempt, pause in enumerate((*self._backoff, None), start=1):
            try:
                status, payload = await self._send(url, method, request_data, limits)
            except NetworkError as error:  # TimedOut is a NetworkError too
                if pause is None:
                    self._observe(api_method, "network")
                    raise
                problem = type(error).__name__
            else:
                if status == 200 and not _is_json(payload):
                    problem = "HTTP 200 with a malformed body"  # a proxy cut it short
                elif status < 500:
                    self._observe(api_method, api_outcome(status))
                    return status, payload
                else:
                    problem = f"HTTP {status}"
                if pause is None:
                    self._observe(api_method, "5xx" if status >= 500 else "malformed")
                    return status, payload
            self._observe(api_method, "retried")
            log.warning(
                "%s failed (%s), attempt %d; retrying in %.2fs", api_method, problem, attempt, pause
            )
            await asyncio.sleep(pause * random.uniform(0.8, 1.2))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _send(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        limits: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("RetryingRequest is not initialized")
        try:
            body = _body(request_data)
            headers = _JSON if isinstance(body, bytes) else None
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=limits
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


class PlainJson(RequestData):
    """Parameters that are plain JSON already (strings, numbers, booleans, and lists and
    objects of them, no None): bot/delivery.py's calls and bot/polling.py's getUpdates,
    which then need none of PTB's private request classes. PTB's Bot._do_post turns each
    parameter into a RequestParameter to find out, 20 µs an edit, for a value that comes
    out as it went in; these are the same values, sent the same way."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        super().__init__()
        self._plain = parameters

    @property
    def parameters(self) -> dict[str, Any]:
        return self._plain

    @property
    def json_parameters(self) -> dict[str, str]:
        return {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in self._plain.items()
        }


def _is_json(payload: bytes) -> bool:
    """Whether a Bot API answer is whole: an object from its first byte to its last (a
    truncated or HTML body is not). Cheap, as every answer is checked."""
    if payload[:1] != b"{":
        return False
    return payload[-1:] == b"}" or payload.rstrip()[-1:] == b"}"  # no copy when it ends there


def _given(value: Any, default: float) -> float | None:
    return default if isinstance(value, _NOT_GIVEN) else value


_JSON = {"Content-Type": "application/json"}


def _body(request_data: RequestData | None) -> aiohttp.FormData | bytes | None:
    """Parameters as one JSON object, as the Bot API takes them (orjson: a tenth of the CPU
    of PTB's default, which JSON-encodes each value and then url-encodes the form);
    multipart when files go along."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        try:
            return orjson.dumps(request_data.parameters)
        except (TypeError, orjson.JSONEncodeError):  # a lone surrogate in a text: PTB's
            return request_data.json_payload  # encoder escapes it, as it always did
    form = aiohttp.FormData(request_data.json_parameters)
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
