"""Turns the dialogue's replies into Bot API calls."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.requests import PlainJson
from flows.replies import Attachment, Keyboard, Outcome, Reply

# Telegram file ids of shared attachments already uploaded, by file name and content, so a
# chart goes over the wire once per bot process; keep one per Application (file ids are per
# bot). Files made for one user (exports) are never kept.
Uploads = dict[tuple[str, bytes], str]

# What the bot last drew on each of its messages, (chat, message) -> a fingerprint of text and
# buttons: a tap carries the message as the user's app saw it, maybe before a later redraw,
# so this is what tells an edit that would change nothing (Telegram refuses it as "not
# modified", and it costs the chat's flood budget). A message this process did not draw
# (after a restart, or a replica's) is edited, and "not modified" then counts as done.
# One per Application, bounded.
Drawn = dict[tuple[int, int], int]
MAX_DRAWN = 50_000

# Telegram's wording when an edit cannot happen; the reply is then sent as a new message.
_CANNOT_EDIT = ("message to edit not found", "message can't be edited", "message_id_invalid")


def markup_json(keyboard: Keyboard) -> dict[str, Any] | None:
    """The keyboard as the Bot API's reply_markup object (plain JSON, no PTB objects)."""
    if not keyboard:
        return None
    return {
        "inline_keyboard": [
            [
                {"text": button.label, "callback_data": button.data}
                if button.data
                else {"text": button.label, "url": button.url}
                for button in row
            ]
            for row in keyboard
        ]
    }


def to_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """The same keyboard as PTB's object, for the calls made through PTB's methods (files,
    the group pointer)."""
    markup = markup_json(keyboard)
    return None if markup is None else InlineKeyboardMarkup.de_json(markup, None)


# The bot's Defaults (bot/app.py), spelled out for the calls made below PTB's methods.
_TEXT_OPTIONS = {"parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}


async def _call(bot: Bot, method: str, data: dict[str, Any]) -> Any:
    """One Bot API call with plain JSON in and out, through the bot's rate limiter and
    transport, with Telegram's errors raised as PTB's. Every update ends in a send or an
    edit, and PTB's public methods would turn each answer into a Message with its whole
    keyboard as objects that are never read (under load, a tenth of the bot's CPU), and
    each parameter into a RequestParameter on the way out (bot/requests.PlainJson). The
    data must hold no None and no PTB default placeholders: messages get the defaults
    spelled out in _TEXT_OPTIONS, through _with_text."""
    limiter = getattr(bot, "rate_limiter", None)  # as ExtBot._do_post does
    if limiter is None:
        return await _post(bot, method, data)
    return await limiter.process_request(
        callback=_post,
        args=(bot, method, data),
        kwargs={},
        endpoint=method,
        data=data,
        rate_limit_args=None,
    )


async def _post(bot: Bot, method: str, data: dict[str, Any]) -> Any:
    return await bot.request.post(f"{bot.base_url}/{method}", PlainJson(data))


class WebhookAnswer:
    """The one Bot API call an update's handling may make in the answer to Telegram's webhook
    POST instead of as a request of its own: Telegram runs it as soon as the answer arrives,
    and tells no one its result. A tap's callback answer goes there, a request fewer per tap;
    it is best effort anyway (a failed answer is only logged), and the edit it would have
    come before is on screen by then."""

    def __init__(self) -> None:
        self.call: dict[str, Any] | None = None


_webhook_answer: contextvars.ContextVar[WebhookAnswer | None] = contextvars.ContextVar(
    "webhook_answer", default=None
)


@contextlib.contextmanager
def answering_a_webhook() -> Iterator[WebhookAnswer]:
    """While an update from a webhook POST is handled: what to put in the POST's answer."""
    slot = WebhookAnswer()
    token = _webhook_answer.set(slot)
    try:
        yield slot
    finally:
        _webhook_answer.reset(token)


async def answer(query: CallbackQuery, notice: str | None = None) -> None:
    """Stop the tapped button's spinner, showing the notice (if any) as a toast: in the
    webhook's answer when the update came by webhook, else with a request."""
    data: dict[str, Any] = {"callback_query_id": query.id}
    if notice:
        data["text"] = notice
    slot = _webhook_answer.get()
    if slot is not None and slot.call is None:
        slot.call = {"method": "answerCallbackQuery", **data}
        return
    await _call(query.get_bot(), "answerCallbackQuery", data)


def _fingerprint(reply: Reply) -> int:
    return hash((reply.text, reply.keyboard))


def _remember(drawn: Drawn, chat_id: int, message_id: int, reply: Reply) -> None:
    drawn.pop((chat_id, message_id), None)
    drawn[(chat_id, message_id)] = _fingerprint(reply)
    while len(drawn) > MAX_DRAWN:
        del drawn[next(iter(drawn))]


async def _edit(query: CallbackQuery, reply: Reply, drawn: Drawn) -> bool:
    """Show the reply in place of the tapped message; False if Telegram will not allow it."""
    message = query.message
    if message is None or not isinstance(message, Message):
        return False
    key = (message.chat_id, message.message_id)
    if drawn.get(key) == _fingerprint(reply):
        return True  # already showing this (a double tap): an edit would change nothing
    edit = {"chat_id": message.chat_id, "message_id": message.message_id, "text": reply.text}
    try:
        await _call(query.get_bot(), "editMessageText", _with_text(edit, reply.keyboard))
    except BadRequest as error:
        text = error.message.lower()
        if "not modified" in text:
            _remember(drawn, *key, reply)
            return True
        if any(reason in text for reason in _CANNOT_EDIT):
            return False
        raise
    _remember(drawn, *key, reply)
    return True


async def _send_file(
    bot: Bot, chat_id: int, reply: Reply, uploads: Uploads, thread_id: int | None
) -> None:
    attachment: Attachment = reply.attachment  # type: ignore[assignment]
    key = (attachment.filename, attachment.data)
    known = uploads.get(key) if attachment.shared else None
    send = bot.send_photo if attachment.kind == "photo" else bot.send_document
    message = await send(
        chat_id,
        known or attachment.data,
        caption=attachment.caption or None,
        reply_markup=to_markup(reply.keyboard),
        filename=None if known else attachment.filename,
        message_thread_id=thread_id,
    )
    files = message.photo if attachment.kind == "photo" else [message.document]
    if attachment.shared and known is None and files and files[-1] is not None:
        uploads[key] = files[-1].file_id


async def deliver(
    bot: Bot,
    chat_id: int,
    outcome: Outcome,
    query: CallbackQuery | None,
    uploads: Uploads | None = None,
    thread_id: int | None = None,
    drawn: Drawn | None = None,
) -> None:
    """Send or edit the outcome's replies; new messages go to the forum topic thread_id
    (the one the user wrote in), if any."""
    drawn = {} if drawn is None else drawn
    for reply in outcome.replies:
        if reply.attachment is not None:
            await _send_file(bot, chat_id, reply, {} if uploads is None else uploads, thread_id)
            continue
        if reply.replace and query is not None and await _edit(query, reply, drawn):
            continue
        message = {"chat_id": chat_id, "text": reply.text}
        if thread_id is not None:
            message["message_thread_id"] = thread_id
        sent = await _call(bot, "sendMessage", _with_text(message, reply.keyboard))
        _remember(drawn, chat_id, sent["message_id"], reply)


def _with_text(data: dict[str, Any], keyboard: Keyboard) -> dict[str, Any]:
    """A text message's data with the bot's text options and the keyboard, if any."""
    data.update(_TEXT_OPTIONS)
    markup = markup_json(keyboard)
    if markup is not None:
        data["reply_markup"] = markup
    return data
