"""``StubBotApi``: a local Telegram Bot API server (aiohttp) for end-to-end tests and
load benchmarks. Point PTB at it with ``ApplicationBuilder().base_url(stub.base_url)
.base_file_url(stub.base_file_url)`` (or use ``stub.application_builder()``)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .chats import ChatState
from .core import ApiCall, MethodHandler, StubCore
from .decoding import decode_request
from .errors import (
    MESSAGE_NOT_MODIFIED,
    NGINX_BAD_GATEWAY,
    NOT_FOUND,
    OTHER_GET_UPDATES,
    UNAUTHORIZED,
    ApiError,
)
from .faults import FaultKind, FaultRule
from .flood import FloodLimits, RetryAfterIgnored
from .methods_bot import BOT_METHODS, commands_key
from .methods_messages import MESSAGE_METHODS
from .models import BotMessage, CallbackQueryRecord, RecordedCall, UpdateTiming, Violation
from .replies import RequestRejected
from .stats import StubStats
from .users import FakeUser
from .waiting import Confirmations, QuietTuning

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

DEFAULT_TOKEN = "123456:TEST-TOKEN"
_JSON_HEADERS = {"Content-Type": "application/json"}


class StubBotApi(StubCore):
    """A fake Telegram Bot API on ``127.0.0.1`` with fake users, limits, faults and flood
    control.

    Args:
        token: the only token accepted (others get 401 Unauthorized).
        bot_username / bot_first_name: what ``getMe`` returns.
        record_calls: keep every request in ``calls`` (switch off for benchmarks; per-chat
            messages, callback queries and update timings are kept regardless).
        max_recorded_calls: bound of ``calls``.
        messages_per_chat: keep only this many newest messages per chat (``None``: all).
        strict_html_escaping: reject bare ``&`` and ``>`` in HTML (see ``html_check``).
        faults: initial ``FaultRule``s (change later through ``stub.faults``).
        flood_limits: ``FloodLimits`` to enable Telegram-like flood control
            (change later through ``stub.flood_limits``).
        reply_timeout / quiet_period: defaults for the fake users' waiting (seconds); the
            quiet period adapts to load (``stub.quiet_tuning``).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "CareerPathTestBot",
        bot_first_name: str = "CareerPath Test Bot",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        record_calls: bool = True,
        max_recorded_calls: int = 100_000,
        messages_per_chat: int | None = None,
        strict_html_escaping: bool = True,
        faults: Iterable[FaultRule] = (),
        flood_limits: FloodLimits | None = None,
        reply_timeout: float = 10.0,
        quiet_period: float = 0.15,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_first_name,
            record_calls=record_calls,
            max_recorded_calls=max_recorded_calls,
            messages_per_chat=messages_per_chat,
            strict_html_escaping=strict_html_escaping,
            faults=faults,
            flood_limits=flood_limits,
        )
        self.reply_timeout = reply_timeout
        self.quiet_period = quiet_period
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._methods: dict[str, MethodHandler] = {**BOT_METHODS, **MESSAGE_METHODS}
        self.quiet_tuning = QuietTuning()
        # After an injected 502/drop/timeout, fake users wait this long for the bot's retry.
        self.fault_recovery_grace = 1.0
        # What the bot under test's confirmations mean, and so when the fake users' waits
        # end (see Confirmations); the harness that starts the bot sets it.
        self.confirmations = Confirmations.FETCHED

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> Self:
        """Start listening on an ephemeral port (see ``url``)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = self._runner.addresses[0][1]
        self._stopping.clear()
        self.update_queue.reopen()
        self.stats.reset()
        self.quiet_tuning.lag.start()
        return self

    async def stop(self) -> None:
        """Release held requests, stop webhook delivery and close the server."""
        self._stopping.set()
        self.update_queue.close()
        await self.quiet_tuning.lag.stop()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the TELEGRAM_API_URL to configure)."""
        if self._runner is None:
            raise RuntimeError("StubBotApi is not started")
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    def application_builder(self) -> ApplicationBuilder:
        """A PTB ``ApplicationBuilder`` already pointed at this stub with its token."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    def bot(self) -> Bot:
        """A plain ``telegram.Bot`` talking to this stub (use ``async with``)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url)

    # ------------------------------------------------------------------ test-facing API
    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        chat_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
    ) -> FakeUser:
        """A fake user. Without ``chat_id`` it talks to the bot in a private chat
        (chat id == user id); otherwise in the group ``chat_id`` (shared by every user
        created with that ``chat_id``)."""
        return FakeUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            chat_id=chat_id,
            chat_type=chat_type,
            chat_title=chat_title,
        )

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (``update_id`` is assigned, any given one is replaced);
        returns the ``update_id``. Chats mentioned in it are registered."""
        for body in update.values():
            if isinstance(body, dict):
                chat = body.get("chat") or (body.get("message") or {}).get("chat")
                if isinstance(chat, dict) and "id" in chat:
                    self.chat_state(chat)
        update = {key: value for key, value in update.items() if key != "update_id"}
        return self.inject(update).update_id

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in ``chat_id``, current state, oldest first."""
        chat = self.chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        """Callback queries from fake users that the bot never answered."""
        return [query for query in self.callback_queries.values() if not query.answered]

    def latencies(self) -> list[UpdateTiming]:
        """Timing of every injected update (``.latency`` is ``None`` while unanswered)."""
        return list(self.timings.values())

    @property
    def retry_after_ignored(self) -> list[RetryAfterIgnored]:
        """Requests that came back before the ``retry_after`` the stub had given."""
        return self.flood.ignored

    @property
    def flood_limits(self) -> FloodLimits | None:
        """Current flood control (``None``: off). Assign to change it at run time."""
        return self.flood.limits

    @flood_limits.setter
    def flood_limits(self, limits: FloodLimits | None) -> None:
        self.flood.configure(limits)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls of ``method`` (case-insensitive); needs ``record_calls``."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def my_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands the bot set for ``scope``/``language_code`` (as stored by the stub)."""
        return self.commands.get(commands_key(scope, language_code), [])

    def assert_no_violations(self) -> None:
        """Fail with a readable list if the bot made any request the stub refused."""
        if self.violations:
            details = "\n".join(
                f"  {v.method}: {v.error_code} {v.description}" for v in self.violations
            )
            raise AssertionError(f"the bot made {len(self.violations)} bad request(s):\n{details}")

    # ------------------------------------------------------------------ HTTP handling
    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        file_id = self.file_paths.get(request.match_info["path"])
        if request.match_info["token"] != self.token or file_id is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=self.files[file_id].data)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        arrived_at = time.monotonic()
        cpu = _CpuClock(self.stats)
        method_name = request.match_info["method"]
        self.stats.requests_by_method[method_name] += 1
        self.stats.bytes_received += request.content_length or 0
        if request.match_info["token"] != self.token:
            return self._respond(ApiError(401, UNAUTHORIZED).payload(), 401)
        call = ApiCall(method_name, {}, {}, arrived_at)
        chat_id: int | str | None = None
        status, body = 200, None
        try:
            decoded = await decode_request(request)
            call.params, call.files = decoded.params, decoded.files
            chat_id = self.chat_of_call(method_name.lower(), call.params)
            outcome = await self._process(request, call, chat_id, cpu)
            if isinstance(outcome, web.StreamResponse):
                return outcome  # an injected fault
            body = {"ok": True, "result": outcome}
        except ApiError as error:
            status, body = error.error_code, error.payload()
            if error.description == OTHER_GET_UPDATES and _client_gone(request):
                return self._respond(body, status)  # an abandoned long poll, not a conflict
            self._note_error(method_name, call.params, chat_id, error, arrived_at)
        self._settle(call, chat_id, status, body)
        response = self._respond(body, status)
        cpu.pause()
        return response

    async def run_webhook_reply(self, reply: dict[str, Any]) -> None:
        """A Bot API call made in the answer to a webhook POST, run as Telegram runs it: the
        same method, no HTTP request, and its result (or error) told to no one but the
        recorded calls and the violations."""
        method_name = reply["method"]
        params = {key: value for key, value in reply.items() if key != "method"}
        call = ApiCall(method_name, params, {}, time.monotonic())
        self.stats.webhook_reply_calls[method_name] += 1
        chat_id = self.chat_of_call(method_name.lower(), call.params)
        status, body = 200, None
        try:
            body = {"ok": True, "result": await self._run_method(call)}
        except ApiError as error:
            status, body = error.error_code, error.payload()
            self._note_error(method_name, call.params, chat_id, error, call.arrived_at)
        self._settle(call, chat_id, status, body, in_webhook_reply=True)

    def _settle(
        self,
        call: ApiCall,
        chat_id: int | str | None,
        status: int,
        body: Any,
        *,
        in_webhook_reply: bool = False,
    ) -> None:
        """After a call: its chat notes the request (which wakes its fake user) and the call
        is recorded."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None:
            gap = chat.note_request(call.arrived_at, ok=status == 200)
            if gap is not None:
                self.quiet_tuning.pace.observe(gap, call.arrived_at)
        if self.record_calls:
            self.calls.append(
                RecordedCall(
                    call.method,
                    call.params,
                    call.files,
                    call.arrived_at,
                    status,
                    body,
                    in_webhook_reply=in_webhook_reply,
                )
            )

    async def _run_method(self, call: ApiCall, cpu: _CpuClock | None = None) -> Any:
        """The method's result; 404 for a method the stub does not know."""
        handler = self._methods.get(call.method.lower())
        if handler is None:
            raise ApiError(404, NOT_FOUND)
        result = handler(self, call)
        if inspect.isawaitable(result):
            if cpu is not None:
                cpu.pause()
            result = await result
            if cpu is not None:
                cpu.resume()
        return result

    async def _process(
        self, request: web.Request, call: ApiCall, chat_id: int | str | None, cpu: _CpuClock
    ) -> Any:
        """Apply retry_after bookkeeping, faults and flood control, then run the method.
        Returns the method's result, or the response of an injected fault."""
        method = call.method.lower()
        connection = id(request.protocol)
        self.flood.check_waits(call.method, chat_id, connection, call.arrived_at)
        rule = self.faults.pick(method)
        if rule is not None:
            self.stats.faults_injected[rule.kind.value] += 1
            if rule.kind is FaultKind.TOO_MANY_REQUESTS:
                self.flood.note_retry_after(
                    method, chat_id, rule.retry_after, connection, call.arrived_at
                )
                raise ApiError(
                    429, f"Too Many Requests: retry after {rule.retry_after}", rule.retry_after
                )
            cpu.pause()
            return await self._inject_fault(request, rule, call, chat_id)
        self.flood.consume(method, chat_id, connection, call.arrived_at)
        return await self._run_method(call, cpu)

    def _respond(self, body: Any, status: int) -> web.Response:
        try:
            payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        except UnicodeEncodeError:  # a lone surrogate (a user's name can hold one): escape
            payload = json.dumps(body, separators=(",", ":")).encode()
        self.stats.bytes_sent += len(payload)
        self.stats.responses_by_status[status] += 1
        return web.Response(body=payload, status=status, headers=_JSON_HEADERS)

    def _note_error(
        self,
        method: str,
        params: dict[str, Any],
        chat_id: int | str | None,
        error: ApiError,
        now: float,
    ) -> None:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if error.error_code == 429:
            self.stats.too_many_requests_sent += 1
            if chat is not None and error.retry_after is not None:
                chat.settle_not_before = max(chat.settle_not_before, now + error.retry_after + 0.1)
        elif error.description == MESSAGE_NOT_MODIFIED:
            # Telegram's ordinary answer to an edit that changes nothing (a bot redrawing a
            # message that already shows the right thing): counted, but not a broken rule.
            self.not_modified.append(
                Violation(method, error.error_code, error.description, params, now)
            )
        else:
            self.violations.append(
                Violation(method, error.error_code, error.description, params, now)
            )
        if chat is not None:
            chat.record(RequestRejected(method, error.error_code, error.description))

    async def _inject_fault(
        self, request: web.Request, rule: FaultRule, call: ApiCall, chat_id: int | str | None
    ) -> web.StreamResponse:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None:
            code = 502 if rule.kind is FaultKind.BAD_GATEWAY else 0
            chat.record(RequestRejected(call.method, code, f"injected fault: {rule.kind.value}"))
            chat.note_request(call.arrived_at, ok=False)
        if rule.kind is FaultKind.BAD_GATEWAY:
            response: web.StreamResponse = web.Response(
                status=502, text=NGINX_BAD_GATEWAY, content_type="text/html"
            )
            self.stats.responses_by_status[502] += 1
        elif rule.kind is FaultKind.MALFORMED_OK:  # a proxy cut the answer short
            response = web.Response(
                body=b'{"ok":true,"result":{"message_id":', headers=_JSON_HEADERS
            )
            self.stats.responses_by_status[200] += 1
        else:
            if rule.kind is FaultKind.TIMEOUT:
                await self._hold(request, rule.hold_seconds, chat)
            if request.transport is not None:
                request.transport.close()  # the client sees the connection drop, no response
            response = web.Response()
        if chat is not None:  # give a retrying bot time to recover before users move on
            chat.settle_not_before = max(
                chat.settle_not_before, time.monotonic() + self.fault_recovery_grace
            )
        return response

    async def _hold(self, request: web.Request, seconds: float, chat: ChatState | None) -> None:
        """Keep a request unanswered for ``seconds``, until the client gives up (closes the
        connection) or the stub stops."""
        deadline = time.monotonic() + seconds
        if chat is not None:
            chat.requests_held += 1
        try:
            while not self._stopping.is_set() and not _client_gone(request):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), min(remaining, 0.05))
        finally:
            if chat is not None:
                chat.requests_held -= 1


class _CpuClock:
    """Adds the thread CPU time of the synchronous stretches of one request to the stats
    (paused around awaits, where other coroutines run)."""

    __slots__ = ("_since", "_stats")

    def __init__(self, stats: StubStats) -> None:
        self._stats = stats
        self._since: float | None = time.thread_time()

    def pause(self) -> None:
        if self._since is not None:
            self._stats.handler_cpu_seconds += time.thread_time() - self._since
            self._since = None

    def resume(self) -> None:
        self._since = time.thread_time()


def _client_gone(request: web.Request) -> bool:
    return request.transport is None or request.transport.is_closing()
