"""Bot API requests that survive Telegram's bad moments: 5xx, timeouts, dropped connections."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

# Seconds to wait before each retry; jitter keeps many chats from retrying in lockstep.
BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries transient failures with exponential backoff.

    Retried: HTTP 5xx, timeouts and connection errors. Not retried: 4xx (a bad request stays
    bad) and 429, which the rate limiter handles by waiting retry_after. Edits and callback
    answers are idempotent; a retried sendMessage could appear twice only if Telegram handled
    the first attempt yet never answered it, the lesser evil next to a user left with no reply.
    """

    def __init__(self, *args: Any, backoff: tuple[float, ...] = BACKOFF, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._backoff = backoff

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]  # the URL holds the token: never log it whole
        for attempt, pause in enumerate((*self._backoff, None), start=1):
            try:
                status, payload = await super().do_request(url, method, *args, **kwargs)
            except NetworkError as error:  # TimedOut is a NetworkError too
                if pause is None:
                    raise
                problem = type(error).__name__
            else:
                if status < 500 or pause is None:
                    return status, payload
                problem = f"HTTP {status}"
            log.warning(
                "%s failed (%s), attempt %d; retrying in %.2fs", api_method, problem, attempt, pause
            )
            await asyncio.sleep(pause * random.uniform(0.8, 1.2))
        raise AssertionError("unreachable: the last attempt returns or raises")
