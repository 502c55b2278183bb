"""Small handlers: each maps one kind of Telegram update to one dialogue call."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.conversation import Conversation
from bot.delivery import answer, deliver, to_markup
from bot.logs import chat_ref, forget_chat_ref
from bot.metrics import METRICS, Metrics
from flows.dialogue import COMMANDS, Dialogue
from flows.replies import Outcome
from flows.state import ChatState, Person

log = logging.getLogger("bot.updates")

CONVERSATION = "conversation"
LOG_KEY = "log_key"
UPLOADS = "uploads"

# Handler groups run in order; the counting one sees every update first.
COUNTING_GROUP = -2
DRAWN = "drawn"

Step = Callable[[Dialogue, ChatState, Person], Outcome]


class StepNotSaved(Exception):
    """A dialogue step failed before its state was committed (the database refused the
    write, or is gone): the user must not be told their progress is saved."""


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

# The name of the handler running in this update's task (set by `logged`), so respond()
# labels the step's CPU time in /metrics as the handler's line and latency are labelled.
_HANDLER: ContextVar[str] = ContextVar("handler", default="other")


# Telegram's own limit for a first name; a self-hosted Bot API server may send longer ones.
MAX_NAME = 64


def person_of(update: Update) -> Person:
    user = update.effective_user
    if user is None:
        return Person()
    return Person(first_name=plain_name(user.first_name or ""), language_code=user.language_code)


def plain_name(name: str) -> str:
    """A name safe to send back: at most MAX_NAME characters, and any lone UTF-16 surrogate
    (which cannot be encoded to send) replaced with U+FFFD."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in name[:MAX_NAME])


def topic_of(update: Update) -> int | None:
    """The forum topic the update came from (a group's, or a private chat's), if any."""
    message = update.effective_message  # an InaccessibleMessage for an old button
    if not getattr(message, "is_topic_message", False):
        return None
    return getattr(message, "message_thread_id", None)


def update_kind(update: Update) -> str:
    for kind in ("callback_query", "message", "edited_message", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def logged(name: str) -> Callable[[Handler], Handler]:
    """One INFO line per update: its type, a hashed chat id, the handler and the duration.
    Never the user's words."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            started = time.perf_counter()
            running = _HANDLER.set(name)
            try:
                await handler(update, context)
            finally:
                _HANDLER.reset(running)
                chat = update.effective_chat
                seconds = time.perf_counter() - started
                log.info(
                    "update=%s chat=%s handler=%s ms=%.1f",
                    update_kind(update),
                    _ref(context, chat.id) if chat else "-",
                    name,
                    seconds * 1000,
                )
                metrics: Metrics | None = context.bot_data.get(METRICS)
                if metrics is not None:
                    metrics.update_handled(update_kind(update), name, seconds)

        return run

    return decorate


async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, step: Step) -> None:
    """Run one dialogue step for the update's chat and deliver what it says; the step's own
    CPU time goes to /metrics under the running handler's name (see `logged`).

    Every callback query is answered, even when something fails, so the button's spinner
    always stops; failures then reach the error handler. The answer is best effort: when
    Telegram refuses it, the step's messages are delivered all the same.
    """
    conversation: Conversation = context.bot_data[CONVERSATION]
    chat = update.effective_chat
    query = update.callback_query
    if chat is None:
        if query is not None:
            await answer(query)
        return
    person = person_of(update)
    metrics: Metrics | None = context.bot_data.get(METRICS)
    handler = _HANDLER.get()

    def apply(state: ChatState) -> Outcome:
        # Thread CPU time: the step is pure and synchronous, so nothing else runs meanwhile
        # on this thread, and other threads (the database's) are not counted.
        started = time.thread_time()
        try:
            return step(conversation.dialogue, state, person)
        finally:
            if metrics is not None:
                metrics.step_cpu(handler, time.thread_time() - started)

    answered = False
    try:
        try:
            outcome = await conversation.step(chat.id, apply)
        except Exception as error:
            raise StepNotSaved(type(error).__name__) from error
        if outcome.erase:
            forget_chat_ref(chat.id)
        if query is not None:
            answered = True
            try:
                await answer(query, outcome.notice)
            except TelegramError as error:  # "query is too old" after a long wait: the
                # spinner is Telegram's to stop now; the step's messages still go out
                log.warning(
                    "could not answer callback query in chat %s (%s)",
                    _ref(context, chat.id),
                    type(error).__name__,
                )
        await deliver(
            context.bot,
            chat.id,
            outcome,
            query,
            context.bot_data.get(UPLOADS),
            topic_of(update),
            context.bot_data.setdefault(DRAWN, {}),
        )
    finally:
        if query is not None and not answered:
            try:
                await answer(query)
            except TelegramError:
                log.warning("could not answer callback query in chat %s", _ref(context, chat.id))


def _ref(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> str:
    return chat_ref(chat_id, context.bot_data.get(LOG_KEY, ""))


def on_command(name: str) -> Handler:
    @logged(f"/{name}")
    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payload = context.args[0] if context.args else ""  # /start <deep-link payload>
        await respond(update, context, lambda d, s, p: d.command(s, p, name, payload))

    return handle


@logged("unknown-command")
async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await respond(update, context, lambda d, s, p: d.command(s, p, ""))


@logged("tap")
async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        await answer(query)  # a button outside a private chat: nothing to do but stop the spinner
        return
    message_id = query.message.message_id if query.message else None
    await respond(update, context, lambda d, s, p: d.tap(s, p, query.data, message_id))


@logged("text")
async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    typed = (message.text or "") if message else ""
    await respond(update, context, lambda d, s, p: d.text(s, p, typed))


@logged("media")
async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await respond(update, context, lambda d, s, p: d.media(s, p))


def addressed_to_bot(text: str, bot_username: str) -> bool:
    """In a group, a command is ours when it names this bot, or names no bot and is one of
    our commands (/start@OtherBot belongs to another bot)."""
    command = text.split(maxsplit=1)[0].removeprefix("/")
    name, _, addressee = command.partition("@")
    if addressee:
        return addressee.lower() == bot_username.lower()
    return name.lower() in COMMANDS


@logged("group-command")
async def on_group_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not addressed_to_bot(message.text or "", context.bot.username):
        return
    conversation: Conversation = context.bot_data[CONVERSATION]
    reply = conversation.dialogue.group_command(
        person_of(update), f"https://t.me/{context.bot.username}"
    )
    await context.bot.send_message(
        message.chat_id,
        reply.text,
        reply_markup=to_markup(reply.keyboard),
        message_thread_id=topic_of(update),
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failure with its context, and tell the user calmly and truthfully whether
    their last step was saved."""
    if not isinstance(update, Update) or update.effective_chat is None:
        log.error("error outside an update", exc_info=context.error)
        return
    chat_id = update.effective_chat.id
    saved = not isinstance(context.error, StepNotSaved)
    cause = context.error if saved else context.error.__cause__  # type: ignore[union-attr]
    log.error(
        "update=%s chat=%s failed%s: %s",
        update_kind(update),
        _ref(context, chat_id),
        "" if saved else " before its step was saved",
        type(cause).__name__,
        exc_info=context.error,
    )
    conversation: Conversation = context.bot_data[CONVERSATION]
    dialogue = conversation.dialogue
    try:  # the language the user chose with /language, if the database can tell us
        state = await asyncio.wait_for(conversation.storage.load(chat_id), 2) or ChatState()
    except Exception:  # the database may be what failed: fall back calmly
        state = ChatState()
    language = dialogue.language(state, person_of(update))
    try:
        note = dialogue.views.note(language, "error" if saved else "error_not_saved")
        await context.bot.send_message(chat_id, note.text, message_thread_id=topic_of(update))
    except TelegramError:
        log.warning("could not send the error notice to chat %s", _ref(context, chat_id))


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Counts every update as it arrives, before (and whether or not) a handler takes it."""
    metrics: Metrics | None = context.bot_data.get(METRICS)
    if metrics is not None:
        metrics.update_received(update_kind(update))


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, on_any_update), group=COUNTING_GROUP)
    # Taps are most updates, and PTB tries a group's handlers in order: theirs comes first.
    application.add_handler(CallbackQueryHandler(on_tap))
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    for name in COMMANDS:
        application.add_handler(
            CommandHandler(name, on_command(name), filters=private & new_message)
        )
    application.add_handler(
        MessageHandler(private & new_message & filters.COMMAND, on_unknown_command)
    )
    # Edited messages count as text: the user gets the same gentle pointer.
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGES & filters.TEXT, on_text)
    )
    application.add_handler(MessageHandler(private & new_message & filters.ATTACHMENT, on_media))
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, on_group_command)
    )
    application.add_error_handler(on_error)
