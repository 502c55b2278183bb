"""Fake Telegram users that talk to the bot through the stub and wait for its reaction."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from .api_objects import (
    document_object,
    group_chat_object,
    image_size,
    message_object,
    photo_sizes,
    private_chat_object,
    user_object,
)
from .chats import ChatState
from .html_check import utf16_length
from .models import BotMessage, Button
from .replies import EditedMessage, Replies, SentMessage, describe_events
from .waiting import Condition, PendingAction, WaitOptions, wait_until_handled

if TYPE_CHECKING:
    from .server import StubBotApi

# How long the bot must have been silent in a chat before ``tap`` gives up on a label.
MISSING_BUTTON_GRACE = 1.0

# A valid 1x1 PNG, used as the default photo a fake user sends.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


class FakeUser:
    """A Telegram user driving the bot. Every action injects one update and waits until
    the bot has handled it, then returns ``Replies`` (what the bot did in this chat).

    Waiting rules: a message is ready once at least one bot request for this chat has
    arrived, a tap once its callback query is answered, and ``expect_no_reply=True`` once
    the bot fetched the update (it then fails if the bot sent or edited anything);
    ``until`` (a predicate on the ``Replies`` so far) adds a condition, e.g.
    ``until=lambda r: r.edits`` when the bot is known to edit. A ready action is handled
    when the bot confirms its update, if the bot's confirmations say it has finished
    handling it (``stub.confirmations``, set by tests/bot_harness.py for our bot);
    otherwise once no bot request for this chat has arrived for ``quiet_period``. After
    ``reply_timeout`` an ``AssertionError`` describes the update and what the bot did.

    The quiet period adapts to load (see ``QuietTuning``) so that an overloaded bot is
    unlikely to make a wait end between two requests of one handler; where that must
    never happen (benchmarks at saturation), pass ``until``.
    """

    def __init__(
        self,
        stub: StubBotApi,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        chat_id: int | None,
        chat_type: str,
        chat_title: str | None,
    ) -> None:
        self.stub = stub
        self.user_id = user_id
        self.user = user_object(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        if chat_id is None or chat_type == "private":
            chat = private_chat_object(self.user)
        else:
            chat = group_chat_object(chat_id, chat_type, chat_title or f"Group {chat_id}")
        self.chat: ChatState = stub.chat_state(chat)
        self.chat_id: int = self.chat.id

    def __repr__(self) -> str:
        return f"FakeUser(user_id={self.user_id}, chat_id={self.chat_id})"

    # ------------------------------------------------------------------ reading the chat
    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat, current state after edits, oldest first."""
        return list(self.chat.messages.values())

    @property
    def last_message(self) -> BotMessage | None:
        """The bot's newest message in this chat."""
        return next(reversed(self.chat.messages.values()), None)

    def find_button(
        self, label: str, message: BotMessage | int | None = None
    ) -> tuple[BotMessage, Button]:
        """Find an inline button by its text: an exact match on the newest message having
        one, else a unique case-insensitive substring match starting at a word boundary
        (``"quiz"`` finds "Start the quiz", ``"a"`` does not). ``AssertionError`` otherwise."""
        candidates = (
            [self._current(message)]
            if message is not None
            else [m for m in reversed(self.chat.messages.values()) if m.buttons]
        )
        for candidate in candidates:
            for button in _flat(candidate):
                if button.text == label:
                    return candidate, button
        pattern = re.compile(rf"(?<!\w){re.escape(label)}", re.IGNORECASE)
        for candidate in candidates:
            matches = [b for b in _flat(candidate) if pattern.search(b.text)]
            if len(matches) == 1:
                return candidate, matches[0]
            if len(matches) > 1:
                raise AssertionError(
                    f"{self}: button label {label!r} is ambiguous on message "
                    f"#{candidate.message_id}: {[b.text for b in matches]}"
                )
        available = (
            "; ".join(f"#{m.message_id}: {m.button_texts()}" for m in candidates)
            or "no message with inline buttons"
        )
        raise AssertionError(f"{self}: no button {label!r}. Buttons available: {available}")

    def _current(self, message: BotMessage | int) -> BotMessage:
        message_id = message if isinstance(message, int) else message.message_id
        current = self.chat.messages.get(message_id)
        if current is None:
            raise AssertionError(f"{self}: message #{message_id} does not exist (deleted?)")
        return current

    # ------------------------------------------------------------------ acting
    async def send(
        self,
        text: str,
        *,
        reply_to: int | None = None,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Send a text message. A leading ``/command`` (also ``/command@BotName``) gets a
        ``bot_command`` entity, so PTB's ``CommandHandler`` sees it."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        if reply_to is not None:
            content["reply_to_message"] = self._reply_target(reply_to)
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._send_message(content, f"message {text!r}", wait)

    async def send_sticker(
        self,
        emoji: str = "👍",
        *,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Send a (regular, static) sticker."""
        file = self.stub.store_file(b"RIFF\x00\x00\x00\x00WEBP", None, "image/webp", "sticker")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": file.size,
        }
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._send_message({"sticker": sticker}, "a sticker", wait)

    async def send_photo(
        self,
        caption: str | None = None,
        *,
        data: bytes = TINY_PNG,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Send a photo (a 1x1 PNG unless ``data`` is given)."""
        file = self.stub.store_file(data, None, "image/png", "photo", image_size(data) or (1, 1))
        content: dict[str, Any] = {"photo": photo_sizes(file)}
        if caption is not None:
            content["caption"] = caption
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._send_message(content, "a photo", wait)

    async def send_voice(
        self,
        duration: int = 3,
        *,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Send a voice note of ``duration`` seconds (OGG/Opus-looking bytes)."""
        file = self.stub.store_file(b"OggS" + bytes(60), None, "audio/ogg", "voice")
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": file.size,
        }
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._send_message({"voice": voice}, "a voice note", wait)

    async def send_document(
        self,
        filename: str = "notes.txt",
        data: bytes = b"hello from a fake user\n",
        mime_type: str = "text/plain",
        caption: str | None = None,
        *,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Send a document; the bot can download it with getFile."""
        file = self.stub.store_file(data, filename, mime_type, "document")
        content: dict[str, Any] = {"document": document_object(file)}
        if caption is not None:
            content["caption"] = caption
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._send_message(content, f"document {filename!r}", wait)

    async def edit_message(
        self,
        message_id: int,
        text: str,
        *,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Edit one of this user's earlier text messages (an ``edited_message`` update)."""
        original = self.chat.user_messages.get(message_id)
        if original is None or original["from"]["id"] != self.user_id:
            raise AssertionError(f"{self}: message #{message_id} is not a message of this user")
        edited = {**original, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        self.chat.store_user_message(edited)
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        description = f"edit of #{message_id} to {text!r}"
        return await self._deliver("edited_message", edited, description, None, wait)

    async def tap(
        self,
        label: str,
        *,
        message: BotMessage | int | None = None,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Tap the callback button labelled ``label`` (see ``find_button``).

        If it is not there yet, wait until the bot has been silent in this chat for
        ``MISSING_BUTTON_GRACE`` seconds (an edit may still be on its way, at most
        ``reply_timeout``) and look once more before failing."""
        try:
            target, button = self.find_button(label, message)
        except AssertionError:
            await self._settle(reply_timeout, at_least=MISSING_BUTTON_GRACE)
            target, button = self.find_button(label, message)
        if button.callback_data is None:
            raise AssertionError(
                f"{self}: button {label!r} has no callback_data (url={button.url!r})"
            )
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._callback(target, button.callback_data, f"tap on {button.text!r}", wait)

    async def tap_data(
        self,
        data: str,
        *,
        message: BotMessage | int | None = None,
        expect_no_reply: bool = False,
        reply_timeout: float | None = None,
        quiet_period: float | None = None,
        until: Condition | None = None,
    ) -> Replies:
        """Send a callback query with arbitrary ``data`` (need not match any button) from
        ``message`` (default: the bot's newest message in this chat)."""
        target = self._current(message) if message is not None else self.last_message
        if target is None:
            raise AssertionError(f"{self}: the bot has no message in this chat to tap on")
        wait = WaitOptions(expect_no_reply, reply_timeout, quiet_period, until)
        return await self._callback(target, data, f"callback data {data!r}", wait)

    def block_bot(self) -> None:
        """From now on the bot gets 403 "Forbidden: bot was blocked by the user" here."""
        self.chat.blocked_bot = True

    def unblock_bot(self) -> None:
        self.chat.blocked_bot = False

    # ------------------------------------------------------------------ internals
    async def _settle(self, reply_timeout: float | None, at_least: float) -> None:
        """Wait until no bot request for this chat arrived for the (adaptive) quiet period
        or ``at_least`` seconds, whichever is longer."""
        chat, stub = self.chat, self.stub
        limit = stub.reply_timeout if reply_timeout is None else reply_timeout
        deadline = time.monotonic() + limit
        while (now := time.monotonic()) < deadline:
            quiet = stub.quiet_tuning.quiet_period(stub.quiet_period, now)
            settle_at = chat.last_request_at + max(quiet, at_least)
            if now >= settle_at:
                return
            await chat.wait_for_activity(min(settle_at, deadline) - now)

    def _reply_target(self, message_id: int) -> dict[str, Any]:
        if message_id in self.chat.messages:
            return message_object(
                self.chat.messages[message_id], self.chat.chat, self.stub.bot_user
            )
        if message_id in self.chat.user_messages:
            return self.chat.user_messages[message_id]
        raise AssertionError(f"{self}: cannot reply to unknown message #{message_id}")

    async def _send_message(
        self, content: dict[str, Any], description: str, wait: WaitOptions
    ) -> Replies:
        message = {
            "message_id": self.chat.next_message_id(),
            "from": self.user,
            "chat": self.chat.chat,
            "date": int(time.time()),
            **content,
        }
        self.chat.store_user_message(message)
        return await self._deliver("message", message, description, None, wait)

    async def _callback(
        self, target: BotMessage, data: str, description: str, wait: WaitOptions
    ) -> Replies:
        query_id = self.stub.new_id(f"{self.user_id}-")
        query = {
            "id": query_id,
            "from": self.user,
            "message": message_object(target, self.chat.chat, self.stub.bot_user),
            "chat_instance": str(self.chat_id),
            "data": data,
        }
        return await self._deliver("callback_query", query, description, query_id, wait)

    async def _deliver(
        self,
        kind: str,
        body: dict[str, Any],
        description: str,
        query_id: str | None,
        wait: WaitOptions,
    ) -> Replies:
        stub, chat = self.stub, self.chat
        with chat.collecting() as events:
            requests_before = chat.requests_seen
            update = stub.inject({kind: body})
            action = PendingAction(
                actor=repr(self),
                description=description,
                chat=chat,
                timing=update.timing,
                requests_before=requests_before,
                query=stub.callback_queries.get(query_id) if query_id else None,
                wait=wait,
                replies=Replies(update.update_id, events, body.get("message_id")),
            )
            try:
                await wait_until_handled(
                    action,
                    stub.reply_timeout,
                    stub.quiet_period,
                    stub.quiet_tuning,
                    confirmations=stub.confirmations,
                    held_back=stub.update_queue.unconfirmed_before,
                )
            finally:
                # Whatever happened, later bot messages answer later updates, not this one.
                if update.timing in chat.awaiting_reaction:
                    chat.awaiting_reaction.remove(update.timing)
            replies = Replies(update.update_id, list(events), body.get("message_id"))
        if wait.expect_no_reply and any(
            isinstance(event, SentMessage | EditedMessage) for event in replies.events
        ):
            raise AssertionError(
                f"{self} sent {description} and expected no reply, but "
                f"{describe_events(replies.events)}"
            )
        return replies


def _flat(message: BotMessage) -> list[Button]:
    return [button for row in message.buttons for button in row]
