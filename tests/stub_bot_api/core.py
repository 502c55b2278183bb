"""State shared by the HTTP front end, the Bot API method handlers and the fake users."""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .api_objects import message_object, user_object
from .chats import ChatState
from .errors import BOT_BLOCKED, CHAT_NOT_FOUND, ApiError, bad_request
from .faults import FaultInjector, FaultRule
from .flood import FloodControl, FloodLimits
from .models import (
    BotMessage,
    CallbackQueryRecord,
    RecordedCall,
    UpdateTiming,
    UploadedFile,
    UploadedPart,
    Violation,
    WebhookDelivery,
)
from .replies import EditedMessage, SentMessage
from .stats import StubStats
from .updates import PendingUpdate, UpdateQueue
from .webhook import WebhookDispatcher


@dataclass(slots=True)
class ApiCall:
    """One decoded Bot API request as seen by a method handler."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedPart]
    arrived_at: float


MethodHandler = Callable[["StubCore", ApiCall], Any | Awaitable[Any]]


class StubCore:
    """The stub's state: chats and messages, files, callback queries, update queue/webhook,
    commands, faults, flood control, statistics and recorded history."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str,
        *,
        record_calls: bool,
        max_recorded_calls: int,
        messages_per_chat: int | None,
        strict_html_escaping: bool,
        faults: Iterable[FaultRule],
        flood_limits: FloodLimits | None,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token = token
        self.bot_user = user_object(int(bot_id), bot_first_name, is_bot=True, username=bot_username)
        self.bot_user.update(
            can_join_groups=True, can_read_all_group_messages=False, supports_inline_queries=False
        )
        self.record_calls = record_calls
        self.messages_per_chat = messages_per_chat
        self.strict_html_escaping = strict_html_escaping
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, UploadedFile] = {}
        self.file_paths: dict[str, str] = {}  # download path -> file_id
        self.file_path_of: dict[str, str] = {}  # file_id -> download path
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        # Seconds a callback query can be answered, like Telegram's (None: forever); older
        # ones get "query is too old".
        self.callback_query_lifetime: float | None = None
        self.timings: dict[int, UpdateTiming] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        # setMyDescription / setMyShortDescription, per language_code ("" for the default).
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.update_queue = UpdateQueue(self._on_update_confirmed)
        self.webhook = WebhookDispatcher(self._on_webhook_delivered, self.run_webhook_reply)
        self.faults = FaultInjector(faults)
        self.flood = FloodControl(flood_limits)
        self.stats = StubStats()
        self.violations: list[Violation] = []
        # Edits refused as "message is not modified": a normal Telegram outcome, kept apart.
        self.not_modified: list[Violation] = []
        self.calls: deque[RecordedCall] = deque(maxlen=max_recorded_calls)
        self._update_ids = itertools.count(1)
        self._object_ids = itertools.count(1)

    # ----------------------------------------------------------------- chats
    def chat_state(self, chat: dict[str, Any]) -> ChatState:
        """The state of ``chat`` (a Bot API Chat object), created on first use."""
        state = self.chats.get(chat["id"])
        if state is None:
            state = self.chats[chat["id"]] = ChatState(chat, self.messages_per_chat)
        return state

    def require_chat(self, params: dict[str, Any]) -> ChatState:
        """The chat addressed by ``chat_id``: 400 if unknown, 403 if the user blocked the bot."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        if state.blocked_bot:
            raise ApiError(403, BOT_BLOCKED)
        return state

    def chat_of_call(self, method: str, params: dict[str, Any]) -> int | str | None:
        """Which chat a request concerns (``chat_id``, or the chat of a callback query)."""
        chat_id = params.get("chat_id")
        if chat_id is None and method == "answercallbackquery":
            query = self.callback_queries.get(str(params.get("callback_query_id")))
            return query.chat_id if query else None
        return chat_id if isinstance(chat_id, int | str) else None

    # ----------------------------------------------------------------- ids and files
    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._object_ids):06d}"

    def store_file(
        self,
        data: bytes,
        filename: str | None,
        mime_type: str | None,
        kind: str,
        size: tuple[int, int] | None = None,
    ) -> UploadedFile:
        """Register a file so the bot can re-send it by file_id or download it (getFile)."""
        file_id = self.new_id(f"stub-{kind}-")
        file = UploadedFile(
            file_id=file_id,
            file_unique_id=self.new_id("u"),
            filename=filename,
            mime_type=mime_type,
            data=data,
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self.files[file_id] = file
        extension = (filename or "").rpartition(".")[2] if filename and "." in filename else "bin"
        path = f"{kind}s/{file_id}.{extension}"
        self.file_paths[path] = file_id
        self.file_path_of[file_id] = path
        return file

    # ----------------------------------------------------------------- bot actions
    def publish_sent(self, chat: ChatState, message: BotMessage, now: float) -> dict[str, Any]:
        """Store a new bot message, tell the waiters, return the Bot API Message."""
        chat.store(message)
        chat.record(SentMessage(message))
        chat.reacted(now)
        return message_object(message, chat.chat, self.bot_user)

    def publish_edit(self, chat: ChatState, message: BotMessage, now: float) -> dict[str, Any]:
        """Store the new state of an edited bot message, tell the waiters."""
        chat.store(message)
        chat.record(EditedMessage(message))
        chat.reacted(now)
        return message_object(message, chat.chat, self.bot_user)

    def callback_answered(self, query: CallbackQueryRecord, now: float) -> None:
        timing = self.timings.get(query.update_id)
        if timing is None or timing.first_response_at is not None:
            return
        timing.first_response_at = now
        chat = self.chats.get(query.chat_id)
        if chat is not None and timing in chat.awaiting_reaction:
            chat.awaiting_reaction.remove(timing)

    # ----------------------------------------------------------------- updates
    def inject(self, payload: dict[str, Any]) -> PendingUpdate:
        """Give ``payload`` (an Update without ``update_id``) an id and route it to the bot."""
        kind = next((key for key in payload if key != "update_id"), None)
        if kind is None:
            raise ValueError("an update needs one field besides update_id")
        update_id = next(self._update_ids)
        payload["update_id"] = update_id
        chat_id = _chat_id_of_update(payload[kind])
        timing = UpdateTiming(update_id, chat_id, kind)
        self.timings[update_id] = timing
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is not None:
            chat.updates_injected += 1
            chat.awaiting_reaction.append(timing)
        if kind == "callback_query":
            query = payload[kind]
            message = query.get("message") or {}
            self.callback_queries[str(query["id"])] = CallbackQueryRecord(
                query_id=str(query["id"]),
                update_id=update_id,
                chat_id=chat_id if chat_id is not None else 0,
                message_id=message.get("message_id", 0),
                data=query.get("data"),
                created_at=time.monotonic(),
            )
        update = PendingUpdate(update_id, kind, payload, timing)
        self.stats.updates_injected += 1
        if self.webhook.active:
            self.webhook.submit(update)
        else:
            self.update_queue.put(update)
        return update

    async def run_webhook_reply(self, reply: dict[str, Any]) -> None:
        """Run the Bot API call a bot made in its answer to a webhook POST (StubBotApi)."""
        raise NotImplementedError

    def _on_webhook_delivered(self, update: PendingUpdate, delivery: WebhookDelivery) -> None:
        self.stats.webhook_posts += 1
        if delivery.ok:
            update.timing.confirmed_at = update.timing.confirmed_at or delivery.finished_at
        else:
            update.timing.delivery_error = delivery.error
        self._on_update_confirmed(update)

    def report_handled(self, update_id: int) -> None:
        """The bot under test says it has finished handling ``update_id`` (an in-process
        bot's harness calls this; see ``Confirmations.EACH_HANDLED``)."""
        timing = self.timings.get(update_id)
        if timing is not None and timing.confirmed_at is None:
            timing.confirmed_at = time.monotonic()
            chat = self.chats.get(timing.chat_id) if timing.chat_id else None
            if chat is not None:
                chat.poke()

    def _on_update_confirmed(self, update: PendingUpdate) -> None:
        """Wake the fake users waiting in the update's chat."""
        chat = self.chats.get(update.timing.chat_id) if update.timing.chat_id else None
        if chat is not None:
            chat.poke()


def _chat_id_of_update(body: dict[str, Any]) -> int | None:
    chat = body.get("chat") or (body.get("message") or {}).get("chat")
    return chat.get("id") if chat else None
