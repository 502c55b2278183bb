"""The operator's HTTP endpoints: /healthz, /readyz and /metrics.

    /healthz  200 while the process and its event loop are alive.
    /readyz   200 when the database answers and updates are flowing: in polling mode a
              getUpdates answered within the last POLL_STALE_SECONDS; in webhook mode
              Telegram reports no recent failure to deliver to us (getWebhookInfo, asked
              at most every WEBHOOK_CHECK_SECONDS). 503 otherwise. A short JSON body
              says which check failed, never any user data.
    /metrics  Prometheus' text format (bot/metrics.py).

Endpoints can be mounted on any aiohttp server (routes() for an Application, answer() for
a low-level server that dispatches by path itself, such as a webhook server); OpsServer serves
them on a port of their own (METRICS_PORT, on 127.0.0.1 unless METRICS_LISTEN says otherwise)
in both modes; in webhook mode bot/webhook.py answers them on the webhook's port as well.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from telegram import Bot
from telegram.error import TelegramError

from bot.metrics import Metrics
from bot.storage import Storage

log = logging.getLogger(__name__)

# Where the Application keeps its Endpoints (bot_data), for the webhook server to answer.
ENDPOINTS = "endpoints"
# bot/polling.py's long poll returns at least every 10 s; a minute without one: stuck.
POLL_STALE_SECONDS = 60.0
DATABASE_SECONDS = 3.0
WEBHOOK_CHECK_SECONDS = 30.0
# Telegram's last failed delivery to our webhook counts against readiness for this long.
WEBHOOK_ERROR_SECONDS = 120.0


@dataclass
class Readiness:
    """What /readyz checks, for the mode the bot runs in."""

    storage: Storage
    metrics: Metrics
    webhook: bool
    bot: Bot | None = None  # webhook mode: asks Telegram how deliveries go
    clock: Callable[[], float] = time.monotonic
    _webhook_checked: float | None = field(default=None, init=False)
    _webhook_problem: str | None = field(default=None, init=False)

    async def check(self) -> dict[str, str]:
        """Each check's result: "ok" or what is wrong."""
        return {"database": await self._database(), "updates": await self._updates()}

    async def _database(self) -> str:
        try:
            await asyncio.wait_for(self.storage.ping(), DATABASE_SECONDS)
        except Exception as error:  # whatever the driver raises, the answer is "not ready"
            return f"unreachable ({type(error).__name__})"
        return "ok"

    async def _updates(self) -> str:
        if self.webhook:
            return await self._webhook_deliveries()
        last = self.metrics.last_poll_at
        if last is None:
            return "no getUpdates answered yet"
        age = self.clock() - last
        if age > POLL_STALE_SECONDS:
            return f"no getUpdates answered for {age:.0f}s"
        return "ok"

    async def _webhook_deliveries(self) -> str:
        now = self.clock()
        if self._webhook_checked is None or now - self._webhook_checked > WEBHOOK_CHECK_SECONDS:
            self._webhook_problem = await self._ask_telegram()
            self._webhook_checked = now
        return self._webhook_problem or "ok"

    async def _ask_telegram(self) -> str | None:
        assert self.bot is not None, "webhook mode asks Telegram"
        try:
            info = await self.bot.get_webhook_info()
        except TelegramError as error:
            return f"getWebhookInfo failed ({type(error).__name__})"
        if not info.url:
            return "no webhook set"
        failed = info.last_error_date
        if failed is not None and time.time() - failed.timestamp() < WEBHOOK_ERROR_SECONDS:
            # Telegram's own words about our server (e.g. "Connection refused").
            return f"Telegram could not deliver: {info.last_error_message or 'unknown error'}"
        return None


class Endpoints:
    """The three endpoints, for an aiohttp Application (routes()) or a low-level aiohttp
    server that dispatches by path itself (answer())."""

    def __init__(self, metrics: Metrics, readiness: Readiness) -> None:
        self.metrics = metrics
        self.readiness = readiness
        self._pages: dict[str, Callable[[], Awaitable[web.Response]]] = {
            "/healthz": self.healthz,
            "/readyz": self.readyz,
            "/metrics": self.metrics_page,
        }

    async def answer(self, request: web.BaseRequest) -> web.Response | None:
        """The answer to a GET of one of the endpoints; None for any other request."""
        page = self._pages.get(request.path)
        if page is None or request.method not in ("GET", "HEAD"):
            return None
        return await page()

    def routes(self) -> list[web.RouteDef]:
        return [web.get(path, self._route) for path in self._pages]

    async def _route(self, request: web.Request) -> web.Response:
        return await self._pages[request.path]()

    async def healthz(self) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(self) -> web.Response:
        checks = await self.readiness.check()
        ready = all(result == "ok" for result in checks.values())
        return web.json_response({"ready": ready, **checks}, status=200 if ready else 503)

    async def metrics_page(self) -> web.Response:
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})


class OpsServer:
    """The endpoints on a port of their own, inside the bot's event loop."""

    def __init__(self, endpoints: Endpoints, listen: str, port: int) -> None:
        self.app = web.Application()
        self.app.add_routes(endpoints.routes())
        self.listen, self.port = listen, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        log.info("health and metrics on http://%s:%d/metrics", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
