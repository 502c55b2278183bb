"""Telegram's size limits on messages, captions, inline keyboards, commands and
callback answers. Each check raises the 400 ``ApiError`` Telegram would send."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .html_check import ParsedText

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_BUTTONS_PER_ROW = 8
MAX_BUTTONS_TOTAL = 100
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
BUTTON_ACTION_FIELDS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_URL = re.compile(r"(?i)(https?://[^\s/$.?#][^\s]*|tg://[^\s]+)")


def check_message_text(parsed: ParsedText) -> None:
    """Text must be 1–4096 UTF-16 code units after entity parsing and not blank."""
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if parsed.length > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")


def check_caption(parsed: ParsedText) -> None:
    """Captions may be empty but not longer than 1024 UTF-16 code units."""
    if parsed.length > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")


def check_reply_markup(markup: Any) -> None:
    """Validate ``reply_markup`` (inline keyboards strictly; other keyboards by shape)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be an Array of Arrays')
    elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
        raise bad_request("can't parse reply keyboard markup JSON object")


def check_inline_keyboard(rows: Any) -> None:
    """1–8 buttons per row, at most 100 buttons, each with text and exactly one action."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Arrays')
    total = 0
    for row in rows:
        if not row:
            raise bad_request("BUTTON_ROWS_INVALID: a keyboard row must not be empty")
        if len(row) > MAX_BUTTONS_PER_ROW:
            raise bad_request(
                f"BUTTON_ROWS_INVALID: too many buttons in a row ({len(row)} > "
                f"{MAX_BUTTONS_PER_ROW})"
            )
        total += len(row)
        for button in row:
            check_inline_button(button)
    if total > MAX_BUTTONS_TOTAL:
        raise bad_request("reply markup is too long")


def check_inline_button(button: Any) -> None:
    """One inline button: non-empty text, exactly one action, valid callback_data/url."""
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: object expected")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in BUTTON_ACTION_FIELDS if name in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {', '.join(actions)}"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not _BUTTON_URL.fullmatch(url):
            raise bad_request("BUTTON_URL_INVALID")


def check_callback_answer_text(text: str | None) -> None:
    """Callback query notifications are limited to 200 characters."""
    if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")


def check_commands(commands: Any) -> list[dict[str, str]]:
    """``setMyCommands``: ≤ 100 commands, names 1–32 of ``[a-z0-9_]``, descriptions 1–256."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("command description must be non-empty")
        cleaned.append({"command": command, "description": description})
    return cleaned
