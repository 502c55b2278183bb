"""The webhook server: takes the updates Telegram POSTs, cheaply refuses everything else.

Why not python-telegram-bot's webhook server (tornado): it reads a whole body, up to
100 MB, before it looks at the secret header; it never times out a client that sends its
headers or body slowly; and it takes any number of connections until the process runs
out of file descriptors. Here, on aiohttp's low-level server:

- the path and the secret header are checked before a byte of the body is read (404 / 403);
- a body over MAX_BODY_BYTES, or of unknown length, is refused from its headers (413);
- a connection that has not sent a whole request head within the read timeout is closed,
  and so is one whose body does not arrive within it (408);
- at most max_connections are open at once; more are closed as soon as they connect;
- /healthz, /readyz and /metrics (bot/ops.py) are answered to a GET of their paths, with
  no secret (they hold no user data) and without reading a body;
- an update is answered 200 only once it was handled, so one the process could not finish
  (SIGTERM, a crash) is sent again by Telegram; an update_id seen before is answered 200
  and not handled twice;
- a tap's callback answer rides on that 200 (Telegram runs a Bot API call given in a
  webhook's answer), a request fewer per tap.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import OrderedDict
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from telegram.ext import Application

from bot.config import Settings
from bot.delivery import answering_a_webhook
from bot.metrics import METRICS, Metrics
from bot.ops import ENDPOINTS, Endpoints
from bot.polling import HANDLED_UPDATE_TYPES
from bot.updates import parse_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are a few KB; a message at its 4,096-character limit with entities
# stays well under 100 KB.
MAX_BODY_BYTES = 256 * 1024
# update_ids remembered to answer a replayed update without handling it again.
REMEMBERED_UPDATES = 10_000


class CappedServer(web.Server):
    """aiohttp's low-level server with at most max_connections open. Beyond that, the
    oldest connection that is not being answered (a client yet to send a whole request,
    or idle between requests) is closed; so clients that connect and dawdle cannot keep
    Telegram out, and the process never runs out of file descriptors."""

    def __init__(self, handler: Any, max_connections: int, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.max_connections = max_connections
        self.busy: set[RequestHandler] = set()  # answering a request right now

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if len(self.connections) <= self.max_connections:
            return
        idle = next((c for c in self.connections if c not in self.busy), handler)
        log.warning("webhook: over %d connections; closing an idle one", self.max_connections)
        idle.force_close()


class WebhookServer:
    def __init__(self, application: Application, settings: Settings) -> None:
        assert settings.webhook_url and settings.webhook_secret, "webhook mode is configured"
        self.application = application
        self.settings = settings
        self.path = "/" + settings.webhook_path
        self._secret = settings.webhook_secret.get_secret_value().encode()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._accepting = True
        self._server: CappedServer | None = None
        self._endpoints: Endpoints | None = application.bot_data.get(ENDPOINTS)

    async def run(self, stop: asyncio.Event) -> None:
        settings = self.settings
        server = self._server = CappedServer(
            self._handle,
            settings.webhook_max_connections,
            # Closes a connection that has sent no complete request head for this long.
            keepalive_timeout=settings.webhook_read_timeout,
            lingering_time=0,  # never read on after a refusal
        )
        runner = web.ServerRunner(
            server, handle_signals=False, shutdown_timeout=settings.shutdown_grace
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.listen, settings.port).start()
            await self.application.bot.set_webhook(
                settings.webhook_url or "",
                secret_token=settings.webhook_secret.get_secret_value()  # type: ignore[union-attr]
                if settings.webhook_secret
                else None,
                allowed_updates=list(HANDLED_UPDATE_TYPES),
                max_connections=min(settings.webhook_max_connections, 100),
                drop_pending_updates=False,
            )
            log.info("webhook: serving %s on %s:%d", self.path, settings.listen, settings.port)
            await stop.wait()
            # Updates arriving from now on get 503; Telegram sends them again later.
            self._accepting = False
        finally:
            # Stops listening, then gives the updates in flight the grace period.
            await runner.cleanup()

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        assert self._server is not None
        connection = request.protocol
        self._server.busy.add(connection)
        try:
            return await self._answer(request)
        finally:
            self._server.busy.discard(connection)

    async def _answer(self, request: web.BaseRequest) -> web.StreamResponse:
        if self._endpoints is not None and request.path != self.path:
            # /healthz, /readyz, /metrics: no secret (they hold no user data), no body read
            answer = await self._endpoints.answer(request)
            if answer is not None:
                return answer
        if request.path != self.path:
            return _refuse(404)
        if request.method != "POST":
            return _refuse(405)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return _refuse(403)
        if not self._accepting:
            return _refuse(503)
        length = request.content_length
        if length is None or length > MAX_BODY_BYTES:
            return _refuse(413)
        try:
            async with asyncio.timeout(self.settings.webhook_read_timeout):
                body = await request.content.readexactly(length)
        except TimeoutError:
            return _refuse(408)
        except (asyncio.IncompleteReadError, ConnectionError):
            return _refuse(400)
        raw = _json_object(body)
        update_id = raw.get("update_id") if raw else None
        if raw is None or not isinstance(update_id, int):
            return _refuse(400)
        if update_id in self._seen:
            return web.Response()  # a replay: handled (or being handled) already
        self._remember(update_id)
        update = parse_update(raw, self.application.bot)
        if update is None:
            return web.Response()  # answered, so Telegram does not send it again
        try:
            with answering_a_webhook() as answer:
                await self.application.update_processor.process_update(
                    update, self.application.process_update(update)
                )
        except asyncio.CancelledError:
            self._seen.pop(update_id, None)  # not finished: welcome again
            raise
        if answer.call is None:
            return web.Response()
        # Telegram runs the call given in the answer: a request fewer (bot/delivery.py).
        metrics: Metrics | None = self.application.bot_data.get(METRICS)
        if metrics is not None:
            metrics.api_request(answer.call["method"], "in_webhook_answer")
        return web.Response(body=json.dumps(answer.call), content_type="application/json")

    def _remember(self, update_id: int) -> None:
        self._seen[update_id] = None
        while len(self._seen) > REMEMBERED_UPDATES:
            self._seen.popitem(last=False)


def _refuse(status: int) -> web.Response:
    response = web.Response(status=status)
    response.force_close()  # whatever the client still sends is not read
    return response


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
