"""Reading an update from Telegram's JSON into python-telegram-bot's objects.

PTB's `Update.de_json` looks up each of the hundred-odd fields a message may have, for every
message; that was a tenth of the bot's CPU under load and a fifth of a typed question's.
The updates this bot gets almost all have one of a few plain shapes (a text or a command,
a button tap on one of the bot's own text messages), so those are built here directly from
the fields they have, with the same PTB classes and the same values `de_json` would give.
Anything else (media, a reply, a forward, a field this code doesn't know) goes through
`de_json` unchanged. tests/test_updates.py checks the two agree, attribute by attribute.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Generic, TypeVar

from telegram import Bot, CallbackQuery, Chat, Message, MessageEntity, TelegramObject, Update, User
from telegram.constants import ChatType

log = logging.getLogger(__name__)

_TYPE_NAME = re.compile(r"[a-z_]{1,40}")

# Fields of a tapped message that no handler reads: its sender is the bot itself, its
# keyboard, its text's formatting and its link preview setting are the bot's own, a tap's
# data says which button it was, and bot/delivery.py knows what it drew.
_UNREAD_TAPPED_MESSAGE_FIELDS = ("from", "reply_markup", "entities", "link_preview_options")

# What a plain text message or command has (edit_date: an edited one, such as most messages
# a user taps, which the bot redraws at every step); a message with any other field is
# PTB's to read.
_PLAIN_MESSAGE_FIELDS = frozenset(
    {"message_id", "date", "chat", "from", "text", "entities", "edit_date"}
)
_PLAIN_QUERY_FIELDS = frozenset({"id", "from", "chat_instance", "message", "data"})
# What a plain sender and a plain private chat have, each field its attribute as it comes;
# anything else is PTB's to read (it keeps fields it doesn't know in api_kwargs).
_PLAIN_USER_FIELDS = frozenset(
    {"id", "is_bot", "first_name", "last_name", "username", "language_code", "is_premium"}
)
_PLAIN_CHAT_FIELDS = frozenset({"id", "type", "title", "username", "first_name", "last_name"})
# The fields without which PTB's constructors refuse them.
_USER_NEEDS = frozenset({"id", "first_name", "is_bot"})
_CHAT_NEEDS = frozenset({"id", "type"})


Built = TypeVar("Built", bound=TelegramObject)
_set = object.__setattr__


class _Copies(Generic[Built]):
    """New objects of one PTB class as copies of a blank one made by its constructor, given
    their own fields. The constructors set every attribute through
    TelegramObject.__setattr__, a Python call each: a Message has over a hundred, and
    building one took 45 µs, half of reading a plain update. A copy sets the slots directly
    (object.__setattr__, past that call) and takes 10. Every copy is frozen, as the
    constructors leave their objects."""

    def __init__(self, blank: Built, own: tuple[str, ...]) -> None:
        """own: the fields every object gets a value of its own for (as well as _id_attrs,
        the bot and _frozen); the others start as the blank's, and new() may set them too."""
        self.cls = type(blank)
        skipped = {*own, "_id_attrs", "_bot", "_frozen"}
        names = dict.fromkeys(
            name for klass in self.cls.__mro__ for name in getattr(klass, "__slots__", ())
        )
        self.defaults = tuple((name, getattr(blank, name)) for name in names if name not in skipped)

    def new(self, bot: Bot, id_attrs: tuple[object, ...], **fields: object) -> Built:
        made = object.__new__(self.cls)
        for name, value in self.defaults:
            _set(made, name, value)
        for name, value in fields.items():
            _set(made, name, value)
        _set(made, "_id_attrs", id_attrs)
        _set(made, "_bot", bot)
        _set(made, "_frozen", True)
        return made


_EPOCH = dt.datetime.fromtimestamp(0, dt.UTC)
_MESSAGES: _Copies[Message] = _Copies(
    Message(0, _EPOCH, Chat(0, Chat.PRIVATE)),
    ("message_id", "date", "chat", "from_user", "text", "entities", "edit_date"),
)
_QUERIES: _Copies[CallbackQuery] = _Copies(
    CallbackQuery("", User(0, False, ""), ""),
    ("id", "from_user", "chat_instance", "message", "data"),
)
_USERS: _Copies[User] = _Copies(User(0, "", False), tuple(_USER_NEEDS))
_CHATS: _Copies[Chat] = _Copies(Chat(0, Chat.PRIVATE), tuple(_CHAT_NEEDS))
_UPDATES: _Copies[Update] = _Copies(Update(0), ("update_id",))


def parse_update(raw: dict[str, Any], bot: Bot) -> Update | None:
    """The Update, or None (logged by its id and type only) when PTB cannot read it."""
    query = raw.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(message, dict):
        for unread in _UNREAD_TAPPED_MESSAGE_FIELDS:
            message.pop(unread, None)
    try:
        return _plain_update(raw, bot) or Update.de_json(raw, bot)
    except Exception as error:
        log.warning(
            "skipped update_id=%s type=%s: python-telegram-bot cannot read it (%s)",
            raw.get("update_id"),
            update_type(raw),
            type(error).__name__,
        )
        return None


def update_type(raw: dict[str, Any]) -> str:
    """The update's type (its one field besides update_id), never anything the user wrote."""
    for key in raw:
        if key != "update_id":
            return key if isinstance(key, str) and _TYPE_NAME.fullmatch(key) else "unknown"
    return "none"


def _plain_update(raw: dict[str, Any], bot: Bot) -> Update | None:
    """The update built directly, when it has exactly one plain part; else None, and PTB
    reads it (and decides what is wrong with it, if anything)."""
    try:
        return _build_plain_update(raw, bot)
    except Exception:
        return None


def _build_plain_update(raw: dict[str, Any], bot: Bot) -> Update | None:
    if len(raw) != 2 or not isinstance(raw.get("update_id"), int):
        return None
    kind = update_type(raw)
    if kind in ("message", "edited_message"):
        part = _plain_message(raw[kind], bot)
    elif kind == "callback_query":
        part = _plain_query(raw[kind], bot)
    else:
        return None
    if part is None:
        return None
    return _UPDATES.new(bot, (raw["update_id"],), update_id=raw["update_id"], **{kind: part})


def _plain_message(raw: Any, bot: Bot) -> Message | None:
    # A date of 0 marks a message the bot can no longer reach: PTB makes it another class.
    if not isinstance(raw, dict) or not raw.keys() <= _PLAIN_MESSAGE_FIELDS or not raw.get("date"):
        return None
    chat = raw.get("chat")
    if not isinstance(chat, dict):
        return None
    zone = _time_zone(bot)
    sender, entities = raw.get("from"), raw.get("entities")
    message_id, chat_read = raw["message_id"], _chat(chat, bot)
    return _MESSAGES.new(
        bot,
        (message_id, chat_read),
        message_id=message_id,
        date=_datetime(raw["date"], zone),
        chat=chat_read,
        from_user=None if sender is None else _user(sender, bot),
        text=raw.get("text"),
        entities=() if entities is None else tuple(MessageEntity.de_list(entities, bot)),
        edit_date=_datetime(raw.get("edit_date"), zone),
    )


def _user(raw: Any, bot: Bot) -> User:
    if isinstance(raw, dict) and _USER_NEEDS <= raw.keys() <= _PLAIN_USER_FIELDS:
        return _USERS.new(bot, (raw["id"],), **raw)
    return User.de_json(raw, bot)


def _chat(raw: dict[str, Any], bot: Bot) -> Chat:
    if _CHAT_NEEDS <= raw.keys() <= _PLAIN_CHAT_FIELDS:
        return _CHATS.new(bot, (raw["id"],), **{**raw, "type": _chat_type(raw["type"])})
    return Chat.de_json(raw, bot)


def _chat_type(value: str) -> str:
    """As PTB keeps a chat's type: one of its ChatType members, else the string itself."""
    try:
        return ChatType(value)
    except ValueError:
        return value


def _time_zone(bot: Bot) -> dt.tzinfo | None:
    """The zone PTB gives dates in: its Defaults' time zone if the bot has Defaults, else UTC."""
    defaults = getattr(bot, "defaults", None)
    return defaults.tzinfo if defaults else None


def _datetime(timestamp: int | None, zone: dt.tzinfo | None) -> dt.datetime | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, tz=zone or dt.UTC)


def _plain_query(raw: Any, bot: Bot) -> CallbackQuery | None:
    if not isinstance(raw, dict) or not raw.keys() <= _PLAIN_QUERY_FIELDS:
        return None
    message = None
    if "message" in raw:
        message = _plain_message(raw["message"], bot)
        if message is None:
            return None
    return _QUERIES.new(
        bot,
        (raw["id"],),
        id=raw["id"],
        from_user=_user(raw["from"], bot),
        chat_instance=raw["chat_instance"],
        message=message,
        data=raw.get("data"),
    )
