"""Small handlers: each maps one kind of Telegram update to one dialogue call."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation import Conversation
from bot.delivery import deliver
from bot.logs import chat_ref
from flows.dialogue import COMMANDS, Dialogue
from flows.replies import Outcome
from flows.state import ChatState, Person

log = logging.getLogger("bot.updates")

CONVERSATION = "conversation"
LOG_KEY = "log_key"

Step = Callable[[Dialogue, ChatState, Person], Outcome]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def person_of(update: Update) -> Person:
    user = update.effective_user
    if user is None:
        return Person()
    return Person(first_name=user.first_name or "", language_code=user.language_code)


def update_kind(update: Update) -> str:
    for kind in ("callback_query", "message", "edited_message", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


async def respond(
    update: Update, context: ContextTypes.DEFAULT_TYPE, name: str, step: Step
) -> None:
    """Run one dialogue step for the update's chat and deliver what it says.

    Every callback query is answered, even when something fails, so the button's spinner
    always stops; failures then reach the error handler.
    """
    started = time.perf_counter()
    conversation: Conversation = context.bot_data[CONVERSATION]
    chat = update.effective_chat
    if chat is None:
        return
    person = person_of(update)
    query = update.callback_query
    answered = False
    try:
        outcome = await conversation.step(
            chat.id, lambda state: step(conversation.dialogue, state, person)
        )
        if query is not None:
            answered = True
            await query.answer(outcome.notice)
        await deliver(context.bot, chat.id, outcome, query)
    finally:
        if query is not None and not answered:
            try:
                await query.answer()
            except TelegramError:
                log.warning("could not answer callback query in chat %s", _ref(context, chat.id))
        log.info(
            "update=%s chat=%s handler=%s ms=%.1f",
            update_kind(update),
            _ref(context, chat.id),
            name,
            (time.perf_counter() - started) * 1000,
        )


def _ref(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> str:
    return chat_ref(chat_id, context.bot_data.get(LOG_KEY, ""))


def on_command(name: str) -> Handler:
    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await respond(update, context, f"/{name}", lambda d, s, p: d.command(s, p, name))

    return handle


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await respond(update, context, "unknown-command", lambda d, s, p: d.command(s, p, ""))


async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    data = update.callback_query.data if update.callback_query else None
    await respond(update, context, "tap", lambda d, s, p: d.tap(s, p, data))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await respond(update, context, "text", lambda d, s, p: d.text(s, p))


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await respond(update, context, "media", lambda d, s, p: d.media(s, p))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failure with its context, and tell the user calmly that nothing was lost."""
    if not isinstance(update, Update) or update.effective_chat is None:
        log.error("error outside an update", exc_info=context.error)
        return
    chat_id = update.effective_chat.id
    log.error(
        "update=%s chat=%s failed: %s",
        update_kind(update),
        _ref(context, chat_id),
        type(context.error).__name__,
        exc_info=context.error,
    )
    conversation: Conversation = context.bot_data[CONVERSATION]
    dialogue = conversation.dialogue
    language = dialogue.language(ChatState(), person_of(update))
    try:
        await context.bot.send_message(chat_id, dialogue.views.note(language, "error").text)
    except TelegramError:
        log.warning("could not send the error notice to chat %s", _ref(context, chat_id))


def register(application: Application) -> None:
    message = filters.UpdateType.MESSAGE
    for name in COMMANDS:
        application.add_handler(CommandHandler(name, on_command(name), filters=message))
    application.add_handler(MessageHandler(message & filters.COMMAND, on_unknown_command))
    application.add_handler(CallbackQueryHandler(on_tap))
    application.add_handler(MessageHandler(message & filters.TEXT, on_text))
    application.add_handler(MessageHandler(message & filters.ATTACHMENT, on_media))
    application.add_error_handler(on_error)
