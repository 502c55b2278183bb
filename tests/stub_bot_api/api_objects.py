"""Builders for Bot API JSON objects (User, Chat, Message, Document, PhotoSize...)."""

from __future__ import annotations

import struct
from typing import Any

from .models import BotMessage, UploadedFile


def user_object(
    user_id: int,
    first_name: str,
    *,
    is_bot: bool = False,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def private_chat_object(user: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def group_chat_object(chat_id: int, chat_type: str, title: str) -> dict[str, Any]:
    return {"id": chat_id, "type": chat_type, "title": title}


def document_object(file: UploadedFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.size,
    }
    if file.filename:
        document["file_name"] = file.filename
    if file.mime_type:
        document["mime_type"] = file.mime_type
    return document


def photo_sizes(file: UploadedFile) -> list[dict[str, Any]]:
    return [
        {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": file.size,
            "width": file.width or 0,
            "height": file.height or 0,
        }
    ]


def message_object(
    message: BotMessage, chat: dict[str, Any], bot_user: dict[str, Any]
) -> dict[str, Any]:
    """The Bot API ``Message`` for a bot message in its current state."""
    result: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot_user,
        "chat": chat,
        "date": message.date,
    }
    if message.edit_date is not None:
        result["edit_date"] = message.edit_date
    if message.text is not None:
        result["text"] = message.text
        if message.entities:
            result["entities"] = list(message.entities)
    if message.document is not None:
        result["document"] = document_object(message.document)
    if message.photo is not None:
        result["photo"] = photo_sizes(message.photo)
    if message.caption:
        result["caption"] = message.caption
        if message.caption_entities:
            result["caption_entities"] = list(message.caption_entities)
    inline_keyboard = (message.reply_markup or {}).get("inline_keyboard")
    if inline_keyboard:
        result["reply_markup"] = {"inline_keyboard": inline_keyboard}
    return result


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image; ``None`` if not a supported image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        (segment_length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + segment_length
    return None
