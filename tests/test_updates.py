"""bot/updates.py builds the common updates itself: the objects must be the ones PTB's own
Update.de_json builds from the same JSON, and everything else must still reach PTB."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from telegram import Bot, TelegramObject, Update
from telegram.ext import Defaults, ExtBot

from bot.updates import parse_update

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"
ANA = {"id": 7, "is_bot": False, "first_name": "Ana", "language_code": "es"}
CHAT = {"id": 7, "type": "private", "first_name": "Ana", "username": "ana_m"}
BOT_USER = {"id": 999, "is_bot": True, "first_name": "CareerPath", "username": "cp_bot"}
KEYBOARD = {"inline_keyboard": [[{"text": "Next", "callback_data": "n"}]]}


def message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 41, "date": 1_764_000_000, "chat": CHAT, **fields}


def tap(message_fields: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    query = {"id": "4411", "from": ANA, "chat_instance": "-88", "data": "q1:a", **fields}
    if message_fields is not None:
        query["message"] = message_fields
    return {"update_id": 12, "callback_query": query}


COMMAND = {
    "update_id": 10,
    "message": message(
        **{
            "from": ANA,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    ),
}
# Updates the quick path builds, with what PTB makes of each.
PLAIN = {
    "command": COMMAND,
    "typed question": {"update_id": 11, "message": message(**{"from": ANA, "text": "¿puedo?"})},
    "edited text": {
        "update_id": 13,
        "edited_message": message(**{"from": ANA, "text": "hola", "edit_date": 1_764_000_060}),
    },
    "tap on a text": tap(message(**{"from": BOT_USER, "text": "Q1", "reply_markup": KEYBOARD})),
    "tap on an edited text": tap(
        message(
            **{"from": BOT_USER, "text": "Q2", "edit_date": 1_764_000_090},
            link_preview_options={"is_disabled": True},
            reply_markup=KEYBOARD,
        )
    ),
    "tap without data": tap(message(text="Q1"), data=None),
    "tap with a chat of new fields": tap(message(chat={**CHAT, "is_direct_messages": True})),
    "a chat type PTB doesn't know": {
        "update_id": 14,
        "message": message(chat={**CHAT, "type": "future"}, text="hi"),
    },
    "a sender with a field PTB doesn't know": {
        "update_id": 15,
        "message": message(**{"from": {**ANA, "future_field": 1}, "text": "hi"}),
    },
}
# Updates it leaves to PTB.
OTHERS = {
    "photo": {
        "update_id": 20,
        "message": message(
            **{
                "from": ANA,
                "photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}],
            }
        ),
    },
    "reply": {"update_id": 21, "message": message(text="hi", reply_to_message=message(text="Q1"))},
    "a field PTB doesn't know": {"update_id": 22, "message": message(text="hi", future_field=1)},
    "tap on the chart": tap(message(caption="Chart", photo=[])),
    "tap on an old message": tap(message(date=0)),
    "tap from an inline message": tap(None, inline_message_id="abc"),
    "two parts": {**COMMAND, "callback_query": tap(message(text="Q1"))["callback_query"]},
    "a member update": {
        "update_id": 23,
        "my_chat_member": {
            "chat": CHAT,
            "from": ANA,
            "date": 1_764_000_000,
            "old_chat_member": {"status": "member", "user": BOT_USER},
            "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
        },
    },
}


def reference(raw: dict[str, Any], bot: Bot) -> Update:
    """What PTB itself builds (the tapped message's unread fields dropped, as parse_update
    does before either path)."""
    raw = copy.deepcopy(raw)
    tapped = raw.get("callback_query", {}).get("message")
    if tapped:
        for unread in ("from", "reply_markup", "entities", "link_preview_options"):
            tapped.pop(unread, None)
    return Update.de_json(raw, bot)


UNSET = object()


def every_slot(cls: type) -> list[str]:
    return [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())]


def same(built: Any, expected: Any) -> None:
    """The same classes with the same values in every attribute, PTB's private ones
    included, all the way down, and bound to the same bot."""
    assert type(built) is type(expected)
    assert built.to_dict() == expected.to_dict()
    assert built.get_bot() is expected.get_bot()
    assert built._frozen and expected._frozen  # frozen, like PTB's own objects
    for name in every_slot(type(built)):
        value, wanted = getattr(built, name, UNSET), getattr(expected, name, UNSET)
        if name == "_bot":
            continue  # compared above: a Bot compares by its username, which needs a getMe
        if isinstance(value, TelegramObject):
            same(value, wanted)
        elif isinstance(value, tuple) and any(isinstance(item, TelegramObject) for item in value):
            assert len(value) == len(wanted), name
            for item, wanted_item in zip(value, wanted, strict=True):
                if isinstance(item, TelegramObject):
                    same(item, wanted_item)
                else:
                    assert item == wanted_item, name
        else:
            where = f"{type(built).__name__}.{name}"
            assert type(value) is type(wanted), f"{where}: {type(value)} is not {type(wanted)}"
            assert value == wanted, f"{where}: {value!r} != {wanted!r}"


@pytest.fixture(params=["plain bot", "bot with a time zone"])
def bot(request: pytest.FixtureRequest) -> Bot:
    if request.param == "plain bot":
        return Bot(TOKEN)
    return ExtBot(TOKEN, defaults=Defaults(tzinfo=dt.timezone(dt.timedelta(hours=-5))))


@pytest.mark.parametrize("name", PLAIN)
def test_plain_updates_are_built_directly_as_ptb_would(
    name: str, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = reference(PLAIN[name], bot)

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("went through Update.de_json")

    monkeypatch.setattr(Update, "de_json", refuse)
    built = parse_update(copy.deepcopy(PLAIN[name]), bot)
    assert built is not None
    same(built, expected)
    assert built.effective_chat.id == CHAT["id"]
    assert built.effective_message.date.tzinfo == expected.effective_message.date.tzinfo


@pytest.mark.parametrize("name", OTHERS)
def test_other_updates_are_left_to_ptb(
    name: str, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = reference(OTHERS[name], bot)
    read_by_ptb = []
    de_json = Update.de_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Update], raw: dict[str, Any], bot: Bot | None = None) -> Update:
        read_by_ptb.append(raw["update_id"])
        return de_json(cls, raw, bot)

    monkeypatch.setattr(Update, "de_json", classmethod(counting))
    built = parse_update(copy.deepcopy(OTHERS[name]), bot)
    assert read_by_ptb == [OTHERS[name]["update_id"]]
    assert built is not None
    same(built, expected)


@pytest.mark.parametrize(
    "raw",
    [
        {"update_id": 30, "message": {"date": 1_764_000_000, "chat": CHAT, "text": "no id"}},
        {"update_id": 31, "callback_query": {"id": "1", "chat_instance": "x", "data": "q1:a"}},
        {"update_id": 32, "message": message(chat="not a chat", text="hi")},
        {"update_id": "33", "message": message(text="hi")},
        {"update_id": 35, "message": message(**{"from": {"id": 7, "first_name": "A"}})},
        {"update_id": 36, "message": message(chat={"id": 7}, text="hi")},
    ],
    ids=[
        "message without an id",
        "tap without a sender",
        "chat not an object",
        "string id",
        "sender without is_bot",
        "chat without a type",
    ],
)
def test_odd_updates_get_what_ptb_makes_of_them(raw: dict[str, Any], bot: Bot) -> None:
    try:
        expected: Update | None = reference(raw, bot)
    except Exception:
        expected = None
    built = parse_update(copy.deepcopy(raw), bot)
    if expected is None:
        assert built is None
    else:
        assert built is not None
        same(built, expected)


def test_an_update_ptb_cannot_read_is_skipped_with_its_id_and_type_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = {"update_id": 34, "message": {"text": "my secret words", "chat": CHAT}}
    assert parse_update(raw, Bot(TOKEN)) is None
    assert "update_id=34 type=message" in caplog.text
    assert "secret" not in caplog.text
