"""Turns the dialogue's replies into Bot API calls."""

from __future__ import annotations

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from flows.replies import Keyboard, Outcome, Reply

# Telegram's wording when an edit cannot happen; the reply is then sent as a new message.
_CANNOT_EDIT = ("message to edit not found", "message can't be edited", "message_id_invalid")


def to_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, callback_data=button.data)
                if button.data
                else InlineKeyboardButton(button.label, url=button.url)
                for button in row
            ]
            for row in keyboard
        ]
    )


async def _edit(query: CallbackQuery, reply: Reply) -> bool:
    """Show the reply in place of the tapped message; False if Telegram will not allow it."""
    message = query.message
    if message is None or not isinstance(message, Message):
        return False
    markup = to_markup(reply.keyboard)
    if message.reply_markup == markup and message.text_html == reply.text:
        return True  # already showing this (a double tap): an edit would change nothing
    try:
        await query.edit_message_text(reply.text, reply_markup=markup)
    except BadRequest as error:
        text = error.message.lower()
        if "not modified" in text:
            return True
        if any(reason in text for reason in _CANNOT_EDIT):
            return False
        raise
    return True


async def deliver(bot: Bot, chat_id: int, outcome: Outcome, query: CallbackQuery | None) -> None:
    for reply in outcome.replies:
        if reply.replace and query is not None and await _edit(query, reply):
            continue
        await bot.send_message(chat_id, reply.text, reply_markup=to_markup(reply.keyboard))
