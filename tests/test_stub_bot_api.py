"""Tests of the stub Bot API server, driven by real python-telegram-bot objects."""

from __future__ import annotations

import asyncio
import datetime as dtm
import socket
import struct
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from aiohttp import web
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest, RequestData

from tests.stub_bot_api import (
    DEFAULT_TOKEN,
    Confirmations,
    FaultKind,
    FaultRule,
    FloodLimits,
    QuietTuning,
    ReactionPace,
    StubBotApi,
    parse_html,
    utf16_length,
)
from tests.stub_bot_api.errors import too_many_requests
from tests.stub_bot_api.flood import FloodControl, TokenBucket

TOKEN = DEFAULT_TOKEN
BOT_USERNAME = "CareerPathTestBot"


# ---------------------------------------------------------------------------- a tiny bot
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.effective_user
    payload = " ".join(context.args or [])
    await update.message.reply_html(
        f"Welcome, <b>{update.effective_user.first_name}</b>! payload={payload or '-'}"
    )


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Start the quiz", callback_data="quiz:start"),
                InlineKeyboardButton("Help", callback_data="help"),
            ],
            [InlineKeyboardButton("Website", url="https://example.org")],
        ]
    )
    await update.message.reply_text("Pick one:", reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if query.data == "quiz:start":
        await query.answer("Starting!")
        await query.edit_message_text(
            "<b>Question 1</b>: pick A or B",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("A", callback_data="q:1:a"),
                        InlineKeyboardButton("B", callback_data="q:1:b"),
                    ]
                ]
            ),
        )
    elif query.data == "help":
        await query.answer("Tap a button to begin.", show_alert=True)
    elif query.data and query.data.startswith("q:"):
        await query.answer()
        await query.edit_message_text(f"Answer {query.data.rsplit(':', 1)[1]} recorded")
    # "noanswer" and anything else: deliberately left unanswered


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.message.text
    await update.message.reply_text(update.message.text)


async def on_sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.message.sticker
    await update.message.reply_text(f"Nice sticker {update.message.sticker.emoji}")


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message
    if message.photo:
        await message.reply_text(f"photo {message.photo[-1].width}x{message.photo[-1].height}")
    elif message.document:
        file = await message.document.get_file()
        content = bytes(await file.download_as_bytearray())
        await message.reply_text(f"document {message.document.file_name}: {content.decode()}")


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message
    await update.edited_message.reply_text(f"You edited: {update.edited_message.text}")


def add_demo_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    app.add_handler(MessageHandler(filters.Sticker.ALL, on_sticker))
    app.add_handler(MessageHandler(filters.PHOTO | filters.Document.ALL, on_media))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))


def demo_builder(stub: StubBotApi) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """Configured exactly like the real bot: TELEGRAM_API_URL = stub.url."""
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{stub.url}/bot")
        .base_file_url(f"{stub.url}/file/bot")
    )


@asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any],
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def stub() -> AsyncIterator[StubBotApi]:
    async with StubBotApi(TOKEN, BOT_USERNAME, reply_timeout=5) as server:
        yield server


@pytest.fixture
async def demo_bot(stub: StubBotApi) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    app = demo_builder(stub).concurrent_updates(8).build()
    add_demo_handlers(app)
    async with polling(app):
        yield app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------- identity, raw HTTP
async def test_get_me_and_commands_per_scope_and_language(stub: StubBotApi) -> None:
    async with stub.bot() as bot:
        me = await bot.get_me()
        assert (me.id, me.username, me.is_bot) == (123456, BOT_USERNAME, True)

        await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("menu", "Menu")])
        await bot.set_my_commands([BotCommand("start", "Empezar")], language_code="es")
        await bot.set_my_commands(
            [BotCommand("plan", "Your plan")], scope=BotCommandScopeAllPrivateChats()
        )
        assert [c.command for c in await bot.get_my_commands()] == ["start", "menu"]
        assert [c.description for c in await bot.get_my_commands(language_code="es")] == ["Empezar"]
        private = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())
        assert [c.command for c in private] == ["plan"]
        assert stub.my_commands(language_code="es") == [
            {"command": "start", "description": "Empezar"}
        ]
        assert stub.my_commands({"type": "all_private_chats"})[0]["command"] == "plan"

        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Bad-Command", "nope")])
        await bot.delete_my_commands(language_code="es")
        assert await bot.get_my_commands(language_code="es") == ()
        assert await bot.close() is True
        assert await bot.log_out() is True


async def test_wrong_token_and_unknown_method_are_rejected(stub: StubBotApi) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{stub.url}/bot999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    async with stub.bot() as bot:
        with pytest.raises(EndPointNotFound, match="sendSmokeSignal"):
            await bot.do_api_request("sendSmokeSignal", api_kwargs={"chat_id": 1})
    assert [(v.method, v.error_code) for v in stub.violations] == [("sendSmokeSignal", 404)]
    with pytest.raises(AssertionError, match="sendSmokeSignal: 404 Not Found"):
        stub.assert_no_violations()


async def test_form_json_and_multipart_requests_are_decoded(stub: StubBotApi) -> None:
    user = stub.user(1001, "Ana")
    markup = '{"inline_keyboard":[[{"text":"Go","callback_data":"go"}]]}'
    async with httpx.AsyncClient(base_url=f"{stub.url}/bot{TOKEN}") as client:
        form = await client.post(
            "/sendMessage", data={"chat_id": "1001", "text": "123", "reply_markup": markup}
        )
        as_json = await client.post("/sendMessage", json={"chat_id": 1001, "text": "json"})
        multipart = await client.post(
            "/sendDocument",
            data={"chat_id": "1001", "caption": "true"},
            files={"document": ("a.csv", b"x,y\n1,2\n", "text/csv")},
        )
        by_query = await client.get("/sendMessage", params={"chat_id": 1001, "text": "query"})
    for response in (form, as_json, multipart, by_query):
        assert response.status_code == 200 and response.json()["ok"] is True, response.text
    form_call = stub.calls_to("sendMessage")[0]
    assert form_call.params == {
        "chat_id": 1001,
        "text": "123",
        "reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]},
    }
    assert [m.content for m in user.messages] == ["123", "json", "true", "query"]
    document = user.messages[2].document
    assert document is not None
    assert (document.filename, document.mime_type, document.data) == (
        "a.csv",
        "text/csv",
        b"x,y\n1,2\n",
    )
    assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"


# ---------------------------------------------------------------------------- fake users
async def test_echo_menu_tap_and_edit(stub: StubBotApi, demo_bot: Application) -> None:
    user = stub.user(1001, "Ana")

    replies = await user.send("hello there")
    assert replies.texts == ["hello there"]

    replies = await user.send("/start")
    assert replies.texts == ["Welcome, Ana! payload=-"]
    assert replies.last is not None and replies.last.html == "Welcome, <b>Ana</b>! payload=-"

    replies = await user.send("/menu")
    menu_message = replies.last
    assert menu_message is not None
    assert menu_message.button_texts() == ["Start the quiz", "Help", "Website"]
    assert menu_message.buttons[1][0].url == "https://example.org"

    replies = await user.tap("Start the quiz", until=lambda r: r.edits)
    assert replies.callback_answer is not None
    assert replies.callback_answer.text == "Starting!"
    assert [m.text for m in replies.edits] == ["Question 1: pick A or B"]
    edited = user.messages[-1]
    assert edited.message_id == menu_message.message_id
    assert edited.edited and edited.button_texts() == ["A", "B"]
    assert edited.entities == ({"type": "bold", "offset": 0, "length": 10},)

    replies = await user.tap("B")
    assert replies.last is not None and replies.last.text == "Answer b recorded"
    assert user.last_message is not None and user.last_message.buttons == ()  # keyboard gone

    replies = await user.send("/menu")
    replies = await user.tap("help")  # unique case-insensitive substring
    assert replies.callback_answer is not None and replies.callback_answer.show_alert
    assert replies.messages == [] and replies.edits == []
    assert stub.unanswered_callback_queries() == []
    stub.assert_no_violations()


async def test_until_condition_must_hold(stub: StubBotApi, demo_bot: Application) -> None:
    user = stub.user(1001, "Ana")
    with pytest.raises(AssertionError, match=r"the `until` condition never held.*sent #"):
        await user.send("only one reply", until=lambda r: len(r.messages) > 1, reply_timeout=0.5)


def test_quiet_period_adapts_to_the_bots_pace() -> None:
    pace = ReactionPace(half_life=5.0, factor=2.0, cap=3.0)
    assert pace.quiet_floor(now=100.0) == 0.0
    pace.observe(0.4, now=100.0)
    assert pace.quiet_floor(now=100.0) == pytest.approx(0.8)
    assert pace.quiet_floor(now=105.0) == pytest.approx(0.4)  # halves every half-life
    pace.observe(10.0, now=105.0)
    assert pace.quiet_floor(now=105.0) == 3.0  # capped
    tuning = QuietTuning(pace=ReactionPace())
    assert tuning.quiet_period(0.15, now=1.0) == pytest.approx(0.15)


async def test_tap_explains_what_buttons_exist(stub: StubBotApi, demo_bot: Application) -> None:
    user = stub.user(1001, "Ana")
    with pytest.raises(AssertionError, match="no message with inline buttons"):
        await user.tap("Start the quiz", reply_timeout=0.2)
    await user.send("/menu")
    with pytest.raises(AssertionError, match=r"Buttons available: #\d+: \['Start the quiz'"):
        await user.tap("Finish", reply_timeout=0.2)
    with pytest.raises(AssertionError, match="no button 'a'"):  # substrings start at a word
        await user.tap("a", reply_timeout=0.2)
    with pytest.raises(AssertionError, match="has no callback_data"):
        await user.tap("Website")


async def test_group_commands_addressed_to_the_bot(stub: StubBotApi, demo_bot: Application) -> None:
    member = stub.user(1002, "Bo", chat_id=-100500, chat_type="supergroup", chat_title="Study")
    replies = await member.send(f"/start@{BOT_USERNAME} deep-link")
    assert replies.texts == ["Welcome, Bo! payload=deep-link"]
    assert replies.last is not None and replies.last.chat_id == -100500
    await member.send("/start@SomeOtherBot", expect_no_reply=True)


async def test_unanswered_callback_query_is_detected(
    stub: StubBotApi, demo_bot: Application
) -> None:
    user = stub.user(1001, "Ana")
    await user.send("/menu")
    with pytest.raises(AssertionError, match="was never answered"):
        await user.tap_data("noanswer", reply_timeout=0.5)
    [query] = stub.unanswered_callback_queries()
    assert query.data == "noanswer" and query.chat_id == 1001

    async with stub.bot() as bot:
        with pytest.raises(BadRequest, match="Message_too_long"):
            await bot.answer_callback_query(query.query_id, text="x" * 201)
        assert await bot.answer_callback_query(query.query_id, text="x" * 200)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query.query_id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("never-issued")
    assert stub.unanswered_callback_queries() == []


async def test_user_media_edits_and_silence(stub: StubBotApi, demo_bot: Application) -> None:
    user = stub.user(1001, "Ana")
    assert (await user.send_sticker("🎉")).texts == ["Nice sticker 🎉"]
    assert (await user.send_photo()).texts == ["photo 1x1"]
    replies = await user.send_document("todo.txt", b"study ICD-10")
    assert replies.texts == ["document todo.txt: study ICD-10"]  # bot downloaded it via getFile

    sent = await user.send("first draft")
    assert sent.user_message_id is not None
    replies = await user.edit_message(sent.user_message_id, "second draft")
    assert replies.texts == ["You edited: second draft"]

    await user.send_voice(expect_no_reply=True)  # the bot has no voice handler
    with pytest.raises(AssertionError, match="expected no reply"):
        await user.send("talk to me", expect_no_reply=True)


async def test_chat_actions_blocked_users_and_unknown_chats(stub: StubBotApi) -> None:
    user = stub.user(1001, "Ana")
    async with stub.bot() as bot:
        assert await bot.send_chat_action(1001, "typing")
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await bot.send_chat_action(1001, "dancing")
        user.block_bot()
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(1001, "hi")
        user.unblock_bot()
        await bot.send_message(1001, "welcome back")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(4242, "hi")
    assert [m.text for m in user.messages] == ["welcome back"]


# ---------------------------------------------------------------------------- Telegram limits
async def test_valid_html_is_parsed_into_text_and_entities(stub: StubBotApi) -> None:
    user = stub.user(1001, "Ana")
    html = (
        "😀 <b>bold <i>both</i></b> &lt;tag&gt; &amp; &quot;q&quot; &#33;&#x41; "
        '<a href="https://example.org/?a=1&amp;b=2">link</a> '
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>quote</blockquote>"
    )
    async with stub.bot() as bot:
        message = await bot.send_message(1001, html, parse_mode="HTML")
    stored = user.messages[-1]
    assert stored.html == html
    assert stored.text == '😀 bold both <tag> & "q" !A link st x = 1quote'
    assert message.text == stored.text
    entities = {(e["type"], e["offset"], e["length"]) for e in stored.entities}
    # "😀" is two UTF-16 code units, so "bold" starts at offset 3.
    assert ("bold", 3, 9) in entities and ("italic", 8, 4) in entities
    assert ("text_link", 28, 4) in entities
    assert ("spoiler", 33, 1) in entities and ("spoiler", 34, 1) in entities
    assert ("pre", 36, 5) in entities and ("expandable_blockquote", 41, 5) in entities
    assert len(entities) == 7
    pre = next(e for e in stored.entities if e["type"] == "pre")
    assert pre["language"] == "python"
    link = next(e for e in stored.entities if e["type"] == "text_link")
    assert link["url"] == "https://example.org/?a=1&b=2"
    stub.assert_no_violations()


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("Привет <script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 13'),
        ("Tom & Jerry", 'Character "&" is reserved'),
        ("1 > 0", 'Character ">" is reserved'),
        ("a < b", 'Character "<" is reserved'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("closed</b>", "Unexpected end tag at byte offset 6"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ('<a href="x>broken', "Unclosed start tag at byte offset 0"),
        ("&nbsp;", 'Character "&" is reserved'),
    ],
)
async def test_invalid_html_is_rejected_like_telegram(
    stub: StubBotApi, html: str, reason: str
) -> None:
    stub.user(1001, "Ana")
    async with stub.bot() as bot:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1001, html, parse_mode="HTML")
    [violation] = stub.violations
    assert violation.description.startswith("Bad Request: can't parse entities: ")
    assert reason in violation.description
    assert stub.messages(1001) == []


@pytest.mark.parametrize(
    ("html", "text", "entity"),
    [
        ("<B>Loud</B>", "Loud", {"type": "bold", "offset": 0, "length": 4}),
        (
            "<a href='https://x.org'>x</a>",
            "x",
            {"type": "text_link", "offset": 0, "length": 1, "url": "https://x.org"},
        ),
        (
            "<a href=https://x.org>x</a>",
            "x",
            {"type": "text_link", "offset": 0, "length": 1, "url": "https://x.org"},
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            {
                "type": "custom_emoji",
                "offset": 0,
                "length": 2,
                "custom_emoji_id": "5368324170671202286",
            },
        ),
        ("<pre>plain</pre>", "plain", {"type": "pre", "offset": 0, "length": 5}),
        ("<u><s>x</s></u>", "x", {"type": "underline", "offset": 0, "length": 1}),
    ],
)
def test_parse_html_accepts_telegram_markup(html: str, text: str, entity: dict[str, Any]) -> None:
    parsed = parse_html(html)
    assert parsed.text == text
    assert entity in parsed.entities


def test_parse_html_lenient_mode_matches_telegram_for_bare_ampersands() -> None:
    assert parse_html("Tom & Jerry > Tom", strict_escaping=False).text == "Tom & Jerry > Tom"
    assert utf16_length("a😀") == 3


async def test_text_and_caption_length_limits_count_utf16(stub: StubBotApi) -> None:
    stub.user(1001, "Ana")
    async with stub.bot() as bot:
        await bot.send_message(1001, "a" * 4096)
        await bot.send_message(1001, "😀" * 2048)  # 4096 UTF-16 code units
        await bot.send_message(1001, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
        for too_long in ("a" * 4097, "😀" * 2049):
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(1001, too_long)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(1001, "<b> </b>", parse_mode="HTML")
        document = InputFile(b"data", filename="a.txt")
        await bot.send_document(1001, document, caption="c" * 1024)
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_document(1001, document, caption="c" * 1025)
    assert len(stub.messages(1001)) == 4
    assert len(stub.violations) == 4


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(list(rows))


async def test_inline_keyboard_limits(stub: StubBotApi) -> None:
    stub.user(1001, "Ana")
    ok = [
        keyboard([InlineKeyboardButton("x", callback_data="d" * 64)]),
        keyboard([InlineKeyboardButton("x", callback_data="é" * 32)]),  # 64 UTF-8 bytes
        keyboard([InlineKeyboardButton(str(i), callback_data=str(i)) for i in range(8)]),
        keyboard([InlineKeyboardButton("app", url="tg://resolve?domain=example")]),
    ]
    bad = [
        (keyboard([InlineKeyboardButton("x", callback_data="d" * 65)]), "BUTTON_DATA_INVALID"),
        (keyboard([InlineKeyboardButton("x", callback_data="é" * 33)]), "BUTTON_DATA_INVALID"),
        (
            keyboard([InlineKeyboardButton(str(i), callback_data=str(i)) for i in range(9)]),
            "too many buttons in a row",
        ),
        (
            keyboard(
                *[
                    [InlineKeyboardButton(f"{r}{c}", callback_data=f"{r}{c}") for c in range(8)]
                    for r in range(13)
                ]
            ),
            "reply markup is too long",
        ),
        (keyboard([InlineKeyboardButton("x", url="ftp://example.org")]), "BUTTON_URL_INVALID"),
        (keyboard([InlineKeyboardButton(" ", callback_data="x")]), "BUTTON_TEXT_INVALID"),
    ]
    async with stub.bot() as bot:
        for markup in ok:
            await bot.send_message(1001, "ok", reply_markup=markup)
        for markup, reason in bad:
            with pytest.raises(BadRequest) as caught:
                await bot.send_message(1001, "bad", reply_markup=markup)
            assert reason.lower() in caught.value.message.lower()
        with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
            await bot.send_message(
                1001, "bad", reply_markup={"inline_keyboard": [[{"text": "plain"}]]}
            )
    assert len(stub.messages(1001)) == len(ok)
    assert len(stub.violations) == len(bad) + 1


async def test_edits_follow_telegram_rules(stub: StubBotApi) -> None:
    user = stub.user(1001, "Ana")
    markup = keyboard([InlineKeyboardButton("Go", callback_data="go")])
    async with stub.bot() as bot:
        sent = await bot.send_message(1001, "<b>Hi</b>", parse_mode="HTML", reply_markup=markup)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "<b>Hi</b>", 1001, sent.message_id, parse_mode="HTML", reply_markup=markup
            )
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", 1001, 999)
        edited = await bot.edit_message_text("Hi", 1001, sent.message_id)  # drops bold + keyboard
        assert edited.text == "Hi" and edited.reply_markup is None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(1001, sent.message_id)
        await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=markup)
        assert user.messages[0].button_texts() == ["Go"] and user.messages[0].edited
        assert await bot.delete_message(1001, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(1001, sent.message_id)
    assert user.messages == []


async def test_documents_and_photos_keep_their_bytes(stub: StubBotApi) -> None:
    user = stub.user(1001, "Ana")
    calendar = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Exam\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    async with stub.bot() as bot:
        sent = await bot.send_document(
            1001,
            InputFile(calendar, filename="plan.ics"),
            caption="<i>Your plan</i>",
            parse_mode="HTML",
        )
        assert sent.document is not None and sent.document.file_name == "plan.ics"
        await bot.send_photo(1001, png(3, 2), caption="chart")
        with pytest.raises(BadRequest, match="Image_process_failed"):
            await bot.send_photo(1001, b"definitely not an image")
        resent = await bot.send_document(1001, sent.document.file_id)  # by file_id
        downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    plan, chart, again = user.messages
    assert plan.document is not None and plan.caption == "Your plan"
    assert (plan.document.filename, plan.document.mime_type) == ("plan.ics", "text/calendar")
    assert "SUMMARY:Exam" in plan.document.text().splitlines()
    assert chart.photo is not None and (chart.photo.width, chart.photo.height) == (3, 2)
    assert chart.photo.data.startswith(b"\x89PNG")
    assert again.document == plan.document and resent.document is not None
    assert bytes(downloaded) == calendar


# ---------------------------------------------------------------------------- long polling
async def test_get_updates_offset_limit_timeout_and_allowed_updates(stub: StubBotApi) -> None:
    chat = {"id": 1001, "type": "private", "first_name": "Ana"}
    sender = {"id": 1001, "is_bot": False, "first_name": "Ana"}

    def message(text: str) -> dict[str, Any]:
        return {"message": {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": text}}

    first, second, third = (stub.inject_update(message(t)) for t in ("one", "two", "three"))
    async with stub.bot() as bot:
        batch = await bot.get_updates(limit=2)
        assert [u.update_id for u in batch] == [first, second]
        assert [u.message.text for u in await bot.get_updates(offset=second + 1)] == ["three"]

        started = time.monotonic()
        assert await bot.get_updates(offset=third + 1, timeout=1) == ()
        assert 0.9 <= time.monotonic() - started < 2

        waiting = asyncio.create_task(bot.get_updates(offset=third + 1, timeout=5))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        fourth = stub.inject_update(message("four"))
        assert [u.update_id for u in await waiting] == [fourth]
        assert time.monotonic() - started < 0.5

        stub.inject_update(message("filtered out"))
        query = stub.inject_update(
            {"callback_query": {"id": "q1", "from": sender, "chat_instance": "1", "data": "x"}}
        )
        updates = await bot.get_updates(offset=fourth + 1, allowed_updates=["callback_query"])
        assert [u.update_id for u in updates] == [query]

        # PTB's getUpdates pool has one connection, so the competing poller is raw HTTP.
        first_poller = asyncio.create_task(bot.get_updates(offset=query + 1, timeout=5))
        await asyncio.sleep(0.1)
        async with httpx.AsyncClient() as client:
            second = await client.post(f"{stub.base_url}{TOKEN}/getUpdates", data={"timeout": 0})
        assert second.json() == {"ok": True, "result": []}
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first_poller

        stub.inject_update(message("dropped"))
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(offset=query + 1) == ()


async def slow_two_part_reply(stub: StubBotApi, confirm: str) -> None:
    """A bot that fetches one update, answers it in two messages with a pause longer than
    any quiet period between them, then says it is done: by reporting it (as an in-process
    bot's harness does) or with its next getUpdates offset (as bot/polling.py does)."""
    async with stub.bot() as bot:
        while not (updates := await bot.get_updates(timeout=1)):
            pass
        (update,) = updates
        await bot.send_message(update.effective_chat.id, "first part")
        await asyncio.sleep(0.8)
        await bot.send_message(update.effective_chat.id, "second part")
        if confirm == "report":
            stub.report_handled(update.update_id)
        else:
            await bot.get_updates(offset=update.update_id + 1)


@pytest.mark.parametrize(
    ("confirmations", "confirm"),
    [(Confirmations.EACH_HANDLED, "report"), (Confirmations.HANDLED, "offset")],
)
async def test_a_wait_ends_when_the_bot_confirms_it_handled_the_update(
    stub: StubBotApi, confirmations: Confirmations, confirm: str
) -> None:
    stub.confirmations = confirmations
    user = stub.user(1001, "Ana")
    bot = asyncio.create_task(slow_two_part_reply(stub, confirm))
    reply = await user.send("/start")
    await bot
    assert reply.texts == ["first part", "second part"], "not cut short by a quiet moment"
    assert user.chat.requests_seen == 2


async def test_a_wait_for_a_bot_whose_confirmations_mean_nothing_ends_when_it_goes_quiet(
    stub: StubBotApi,
) -> None:
    assert stub.confirmations is Confirmations.FETCHED  # PTB's own Updater, say
    user = stub.user(1001, "Ana")
    bot = asyncio.create_task(slow_two_part_reply(stub, "offset"))
    reply = await user.send("/start")
    await bot
    assert reply.texts == ["first part"], "the quiet period after the first message ended it"


async def test_an_update_the_bot_never_finishes_times_out_saying_so(stub: StubBotApi) -> None:
    stub.confirmations = Confirmations.EACH_HANDLED
    user = stub.user(1001, "Ana")
    async with stub.bot() as bot:
        waiting = asyncio.create_task(user.send("/start", reply_timeout=1))
        (update,) = await bot.get_updates(timeout=5)
        await bot.send_message(update.effective_chat.id, "a reply, then the bot dies")
        with pytest.raises(AssertionError, match="never confirmed it"):
            await waiting


# ---------------------------------------------------------------------------- faults
async def test_bad_gateway_every_nth_request_surfaces_as_network_error(
    stub: StubBotApi,
) -> None:
    user = stub.user(1001, "Ana")
    stub.faults.add(FaultRule(FaultKind.BAD_GATEWAY, every_nth=2, methods={"sendMessage"}))
    outcomes: list[str] = []
    async with stub.bot() as bot:
        for index in range(4):
            try:
                await bot.send_message(1001, f"m{index}")
                outcomes.append("ok")
            except NetworkError as error:
                assert not isinstance(error, TimedOut)
                outcomes.append(error.message)
    assert outcomes[0::2] == ["ok", "ok"]
    assert all(outcome.startswith("Bad Gateway (502)") for outcome in outcomes[1::2])
    assert [m.text for m in user.messages] == ["m0", "m2"]
    assert stub.stats.faults_injected == {"bad_gateway": 2}


async def test_bad_gateway_reaches_the_application_error_handler(stub: StubBotApi) -> None:
    errors: list[object] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app = demo_builder(stub).build()
    add_demo_handlers(app)
    app.add_error_handler(on_error)
    stub.faults.add(FaultRule(FaultKind.BAD_GATEWAY, every_nth=1, methods={"sendMessage"}))
    async with polling(app):
        replies = await stub.user(1001, "Ana").send("hello")
        for _ in range(50):
            if errors:
                break
            await asyncio.sleep(0.02)
    assert replies.messages == []
    assert [r.error_code for r in replies.rejected] == [502]
    assert len(errors) == 1 and isinstance(errors[0], NetworkError)


async def test_dropped_connection_and_timeout_faults(stub: StubBotApi) -> None:
    stub.user(1001, "Ana")
    request = HTTPXRequest(read_timeout=0.3)
    async with (
        stub.bot() as bot,
        ExtBot(TOKEN, base_url=stub.base_url, request=request) as impatient_bot,
    ):
        rule = stub.faults.add(FaultRule(FaultKind.DROP_CONNECTION, every_nth=1))
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(1001, "dropped")
        assert not isinstance(caught.value, TimedOut)
        stub.faults.remove(rule)

        stub.faults.add(FaultRule(FaultKind.TIMEOUT, every_nth=1, hold_seconds=2))
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await impatient_bot.send_message(1001, "held")
        assert time.monotonic() - started < 1.5
        stub.faults.clear()
        await bot.send_message(1001, "fine again")
    assert [m.text for m in stub.messages(1001)] == ["fine again"]
    assert stub.stats.faults_injected == {"drop_connection": 1, "timeout": 1}


# ---------------------------------------------------------------------------- 429 and flood control
async def test_retry_after_is_honoured_by_aio_rate_limiter(
    stub: StubBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    stub.faults.add(
        FaultRule(FaultKind.TOO_MANY_REQUESTS, every_nth=3, retry_after=1, methods={"sendMessage"})
    )
    app = demo_builder(stub).rate_limiter(AIORateLimiter(max_retries=3)).build()
    add_demo_handlers(app)
    users = [stub.user(2000 + index, f"U{index}") for index in range(4)]
    async with polling(app):
        all_replies = await asyncio.gather(*(u.send(f"hi {u.user_id}") for u in users))
    assert [r.texts for r in all_replies] == [[f"hi {u.user_id}"] for u in users]
    assert stub.stats.too_many_requests_sent >= 1
    assert stub.retry_after_ignored == []
    stub.assert_no_violations()


async def test_flooding_one_chat_without_limiter_gets_429_and_early_retries_are_counted(
    stub: StubBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as timedelta, no warning
    stub.flood_limits = FloodLimits()
    user = stub.user(1001, "Ana")
    told_to_wait: list[float] = []
    async with stub.bot() as bot:
        for index in range(50):
            try:
                await bot.send_message(1001, f"spam {index}")
            except RetryAfter as error:
                told_to_wait.append(seconds(error.retry_after))
        delivered = len(user.messages)
        assert 10 <= delivered <= 12  # the private-chat burst, then 1 message/s
        assert stub.stats.too_many_requests_sent == 50 - delivered
        ignored = stub.retry_after_ignored
        assert len(ignored) == 50 - delivered - 1  # every retry after the first 429 was early
        assert all(event.chat_id == 1001 and event.early_by > 0 for event in ignored)

        # The wait only concerns sending messages: answering a button or typing still works.
        stub.inject_update(
            {
                "callback_query": {
                    "id": "during-wait",
                    "from": {"id": 1001, "is_bot": False, "first_name": "Ana"},
                    "chat_instance": "1001",
                    "data": "x",
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "chat": {"id": 1001, "type": "private", "first_name": "Ana"},
                    },
                }
            }
        )
        assert await bot.answer_callback_query("during-wait")
        assert await bot.send_chat_action(1001, "typing")

        await asyncio.sleep(max(told_to_wait[-1], 1.0))
        await bot.send_message(1001, "patient")  # waiting as told is fine again
    assert len(stub.retry_after_ignored) == len(ignored)
    assert user.messages[-1].text == "patient"


def test_a_request_handled_out_of_arrival_order_costs_one_token_only() -> None:
    # The stub stamps a request when it arrives and takes its token after reading the body,
    # so under load an earlier stamp can come after a later one.
    bucket = TokenBucket(capacity=3, rate=1.0, now=100.0)
    assert bucket.take(now=100.5) == 0
    assert bucket.take(now=100.2) == 0
    assert bucket.take(now=100.3) == 0, "three tokens, three requests"


class ReleaseStampingRequest(HTTPXRequest):
    """Notes when the rate limiter lets each request go, and to which chat."""

    def __init__(self) -> None:
        super().__init__()
        self.released: list[tuple[float, int | str | None]] = []

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        parameters = request_data.parameters if request_data is not None else {}
        self.released.append((time.monotonic(), parameters.get("chat_id")))
        return await super().do_request(url, method, request_data, **timeouts)


async def test_aio_rate_limiter_defaults_stay_within_flood_limits(
    stub: StubBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    private_users = [stub.user(3000 + index, f"P{index}") for index in range(35)]
    group = stub.user(3999, "G", chat_id=-100777, chat_type="supergroup", chat_title="G")
    request = ReleaseStampingRequest()
    async with ExtBot(
        TOKEN, base_url=stub.base_url, request=request, rate_limiter=AIORateLimiter()
    ) as bot:
        await asyncio.gather(
            *(bot.send_message(u.chat_id, "broadcast") for u in private_users),
            *(bot.send_message(group.chat_id, f"group {index}") for index in range(20)),
        )
    assert len(group.messages) == 20
    # The schedule is judged when the limiter releases each request, not when the stub reads
    # it: on a loaded machine, opening connections delays the first burst more than the
    # requests after it, which bunches arrivals up by more than any slack in the buckets.
    flood = FloodControl(FloodLimits())
    sends = [stamp for stamp in request.released if stamp[1] is not None]
    assert len(sends) == 55
    for released_at, chat_id in sorted(sends):
        flood.consume("sendmessage", chat_id, connection=0, now=released_at)  # 429 raises

    # Without a limiter, a burst like it trips the limit: six messages to each private chat
    # (under its burst of 10), 210 in all, stay under the bot's 34 + 30/s only if they take
    # over 5.9 s to arrive. Twice the private messages did not trip it when a loaded machine
    # took 1.2 s to get them out.
    stub.flood_limits = FloodLimits()
    burst = [(user.chat_id, f"#{n}") for user in private_users for n in range(6)]
    async with stub.bot() as unthrottled:
        results = await asyncio.gather(
            *(unthrottled.send_message(chat_id, text) for chat_id, text in burst),
            return_exceptions=True,
        )
    assert any(isinstance(result, RetryAfter) for result in results)


# ---------------------------------------------------------------------------- webhook
@asynccontextmanager
async def webhook_receiver(
    app: Application[Any, Any, Any, Any, Any, Any], port: int, secret: str
) -> AsyncIterator[None]:
    """A minimal webhook endpoint for the demo bot: 403 unless Telegram's secret header
    matches, else the update is handled before the answer, as a webhook bot does."""

    async def receive(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
            return web.Response(status=403)
        await app.process_update(Update.de_json(await request.json(), app.bot))
        return web.Response()

    async with serving(receive, port, "/telegram"):
        yield


@asynccontextmanager
async def serving(
    receive: Callable[[web.Request], Awaitable[web.StreamResponse]], port: int, path: str
) -> AsyncIterator[None]:
    """An HTTP server on 127.0.0.1:port whose POSTs to path go to receive."""
    server = web.Application()
    server.router.add_post(path, receive)
    runner = web.AppRunner(server)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield
    finally:
        await runner.cleanup()


async def test_webhook_delivery_checks_the_secret_token(stub: StubBotApi) -> None:
    port = free_port()
    app = demo_builder(stub).build()
    add_demo_handlers(app)
    await app.initialize()
    try:
        async with stub.bot() as bot, webhook_receiver(app, port, "s3cret-Token_1"):
            await bot.set_webhook(
                f"http://127.0.0.1:{port}/telegram", secret_token="s3cret-Token_1"
            )
            user = stub.user(1001, "Ana")
            assert (await user.send("via webhook")).texts == ["via webhook"]
            delivery = stub.webhook.deliveries[-1]
            assert delivery.status == 200 and delivery.sent_secret == "s3cret-Token_1"

            info = await bot.get_webhook_info()
            assert info.url == f"http://127.0.0.1:{port}/telegram"
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()

            stub.webhook.omit_secret = True
            with pytest.raises(AssertionError, match=r"webhook delivery failed.*403"):
                await user.send("no secret")
            stub.webhook.omit_secret = False
            stub.webhook.secret_override = "wrong"
            with pytest.raises(AssertionError, match="403"):
                await user.send("wrong secret")
            stub.webhook.secret_override = None
            assert [d.status for d in stub.webhook.deliveries] == [200, 403, 403]
            info = await bot.get_webhook_info()
            assert info.last_error_message is not None and "403" in info.last_error_message

            await bot.delete_webhook()
            update_id = stub.inject_update(
                {
                    "message": {
                        "message_id": 99,
                        "date": 0,
                        "chat": {"id": 1001, "type": "private", "first_name": "Ana"},
                        "text": "polled",
                    }
                }
            )
            assert [u.update_id for u in await bot.get_updates()] == [update_id]
        assert [m.text for m in user.messages] == ["via webhook"]
    finally:
        await app.shutdown()


async def test_a_call_in_a_webhook_answer_is_run_as_telegram_runs_it(stub: StubBotApi) -> None:
    """A 2xx answer with a JSON ``method`` is a Bot API call: run, recorded as made in the
    answer, not counted as a request; a bad one is a violation like any other."""
    port = free_port()
    replies = iter(
        [
            {"method": "sendMessage", "chat_id": 1002, "text": "from the answer"},
            {"method": "answerCallbackQuery", "callback_query_id": "no such query"},
            {"text": "no method: an ordinary body"},
        ]
    )

    async def receive(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(next(replies))

    async with serving(receive, port, "/hook"), stub.bot() as bot:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        user = stub.user(1002, "Bo")
        assert (await user.send("hello")).texts == ["from the answer"]
        await user.send("again", expect_no_reply=True)
        await user.send("and again", expect_no_reply=True)
    assert stub.stats.webhook_reply_calls == {"sendMessage": 1, "answerCallbackQuery": 1}
    assert stub.stats.requests_by_method["sendMessage"] == 0
    sent = stub.calls_to("sendMessage")
    assert [(c.in_webhook_reply, c.status) for c in sent] == [(True, 200)]
    assert [v.method for v in stub.violations] == ["answerCallbackQuery"]


# ---------------------------------------------------------------------------- scale and bookkeeping
async def test_two_hundred_concurrent_users_each_get_their_echo(
    stub: StubBotApi, demo_bot: Application
) -> None:
    users = [stub.user(10_000 + index, f"User{index}") for index in range(200)]
    all_replies = await asyncio.gather(*(u.send(f"hello from {u.user_id}") for u in users))
    for user, replies in zip(users, all_replies, strict=True):
        assert replies.texts == [f"hello from {user.user_id}"]
        assert [m.text for m in user.messages] == [f"hello from {user.user_id}"]

    timings = [t for t in stub.latencies() if t.chat_id is not None and t.chat_id >= 10_000]
    assert len(timings) == 200
    assert all(t.latency is not None and 0 <= t.latency < 5 for t in timings)
    stats = stub.stats.snapshot()
    assert stats["requests_by_method"]["sendMessage"] == 200
    assert stats["updates_injected"] == 200
    assert 0 < stats["handler_cpu_seconds"] < stats["process_cpu_seconds"]
    stub.assert_no_violations()


async def test_history_can_be_bounded_for_benchmarks() -> None:
    async with StubBotApi(record_calls=False, messages_per_chat=3) as stub:
        user = stub.user(1001, "Ana")
        async with stub.bot() as bot:
            for index in range(5):
                await bot.send_message(1001, f"m{index}")
        assert [m.text for m in user.messages] == ["m2", "m3", "m4"]
        assert list(stub.calls) == []
        assert stub.stats.requests_by_method["sendMessage"] == 5


async def test_a_waiter_that_leaves_stops_only_its_own_collecting() -> None:
    """Two waiters on one chat that have collected the same events are equal lists; the one
    that leaves must not take the other's collector with it (a flaky replica test once did)."""
    from tests.stub_bot_api.chats import ChatState
    from tests.stub_bot_api.replies import DeletedMessage

    chat = ChatState({"id": 1, "type": "private"})
    with chat.collecting() as outer:
        with chat.collecting() as inner:
            pass
        # `inner` left while both lists were empty, hence equal.
        event = DeletedMessage(message_id=7)
        chat.record(event)
    assert outer == [event]
    assert inner == []


def test_a_fractional_retry_after_is_never_zero() -> None:
    # PTB reads a 429 whose retry_after is 0 as a plain error, not as flood control: a wait
    # under half a millisecond, rounded to 0.0, failed a user's step in CI.
    assert too_many_requests(0.0004, whole_seconds=False).retry_after == 0.001
    assert too_many_requests(0.0125, whole_seconds=False).retry_after == 0.013
    assert too_many_requests(0.0004).retry_after == 1
