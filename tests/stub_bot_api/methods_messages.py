"""Bot API methods that send, edit and delete messages or answer callback queries."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from .api_objects import image_size
from .chats import ChatState
from .core import ApiCall, MethodHandler, StubCore
from .errors import (
    MESSAGE_CANT_BE_EDITED,
    MESSAGE_NOT_MODIFIED,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    NO_TEXT_TO_EDIT,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
)
from .html_check import ParsedText, parse_formatted_text
from .limits import (
    check_callback_answer_text,
    check_caption,
    check_inline_keyboard,
    check_message_text,
    check_reply_markup,
)
from .models import BotMessage, CallbackAnswer, UploadedFile
from .replies import ChatActionSent, DeletedMessage

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _parse_text(stub: StubCore, params: dict[str, Any]) -> ParsedText:
    text = params.get("text")
    if not isinstance(text, str):
        raise bad_request("message text is empty")
    parsed = parse_formatted_text(
        text,
        params.get("parse_mode"),
        params.get("entities"),
        strict_escaping=stub.strict_html_escaping,
    )
    check_message_text(parsed)
    return parsed


def _parse_caption(stub: StubCore, params: dict[str, Any]) -> ParsedText | None:
    caption = params.get("caption")
    if caption is None:
        return None
    parsed = parse_formatted_text(
        str(caption),
        params.get("parse_mode"),
        params.get("caption_entities"),
        strict_escaping=stub.strict_html_escaping,
    )
    check_caption(parsed)
    return parsed


def _reply_to(params: dict[str, Any]) -> int | None:
    reply_parameters = params.get("reply_parameters")
    if isinstance(reply_parameters, dict):
        return reply_parameters.get("message_id")
    reply_to = params.get("reply_to_message_id")
    return reply_to if isinstance(reply_to, int) else None


def _inline_markup(markup: Any) -> dict[str, Any] | None:
    """The inline keyboard as Telegram stores it on a message (``None`` when empty)."""
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def send_message(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    chat = stub.require_chat(call.params)
    parsed = _parse_text(stub, call.params)
    markup = call.params.get("reply_markup")
    check_reply_markup(markup)
    message = BotMessage(
        message_id=chat.next_message_id(),
        chat_id=chat.id,
        date=int(time.time()),
        text=parsed.text,
        html=call.params["text"],
        parse_mode=call.params.get("parse_mode"),
        entities=parsed.entities,
        reply_markup=markup,
        reply_to_message_id=_reply_to(call.params),
    )
    return stub.publish_sent(chat, message, call.arrived_at)


def _message_to_edit(chat: ChatState, params: dict[str, Any]) -> BotMessage:
    if "inline_message_id" in params:
        raise bad_request("inline_message_id is not supported by the stub")
    message_id = params.get("message_id")
    message = chat.messages.get(message_id) if isinstance(message_id, int) else None
    if message is None:
        if message_id in chat.user_messages:
            raise ApiError(400, MESSAGE_CANT_BE_EDITED)
        raise ApiError(400, MESSAGE_TO_EDIT_NOT_FOUND)
    return message


def _edit_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if markup is not None:
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            raise bad_request("only inline keyboards can be used in edited messages")
        check_inline_keyboard(markup["inline_keyboard"])
    return _inline_markup(markup)


def edit_message_text(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    """Like Telegram, an edit without ``reply_markup`` removes the inline keyboard."""
    chat = stub.require_chat(call.params)
    current = _message_to_edit(chat, call.params)
    if current.text is None:
        raise ApiError(400, NO_TEXT_TO_EDIT)
    parsed = _parse_text(stub, call.params)
    markup = _edit_markup(call.params)
    unchanged = (
        parsed.text == current.text
        and parsed.entities == current.entities
        and markup == _inline_markup(current.reply_markup)
    )
    if unchanged:
        raise ApiError(400, MESSAGE_NOT_MODIFIED)
    edited = dataclasses.replace(
        current,
        text=parsed.text,
        html=call.params["text"],
        parse_mode=call.params.get("parse_mode"),
        entities=parsed.entities,
        reply_markup=markup,
        edited=True,
        edit_date=int(time.time()),
    )
    return stub.publish_edit(chat, edited, call.arrived_at)


def edit_message_reply_markup(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    chat = stub.require_chat(call.params)
    current = _message_to_edit(chat, call.params)
    markup = _edit_markup(call.params)
    if markup == _inline_markup(current.reply_markup):
        raise ApiError(400, MESSAGE_NOT_MODIFIED)
    edited = dataclasses.replace(
        current, reply_markup=markup, edited=True, edit_date=int(time.time())
    )
    return stub.publish_edit(chat, edited, call.arrived_at)


def delete_message(stub: StubCore, call: ApiCall) -> bool:
    chat = stub.require_chat(call.params)
    message_id = call.params.get("message_id")
    if message_id in chat.messages:
        del chat.messages[message_id]
    elif message_id in chat.user_messages:
        del chat.user_messages[message_id]
    else:
        raise ApiError(400, MESSAGE_TO_DELETE_NOT_FOUND)
    chat.record(DeletedMessage(message_id))
    return True


def answer_callback_query(stub: StubCore, call: ApiCall) -> bool:
    query_id = str(call.params.get("callback_query_id", ""))
    query = stub.callback_queries.get(query_id)
    if query is None or query.answered:
        raise ApiError(400, QUERY_TOO_OLD)
    lifetime = stub.callback_query_lifetime
    if lifetime is not None and call.arrived_at - query.created_at > lifetime:
        raise ApiError(400, QUERY_TOO_OLD)
    text = call.params.get("text")
    check_callback_answer_text(text)
    query.answer = CallbackAnswer(
        query_id=query_id,
        text=text,
        show_alert=bool(call.params.get("show_alert", False)),
        url=call.params.get("url"),
    )
    query.answered_at = call.arrived_at
    chat = stub.chats.get(query.chat_id)
    if chat is not None:
        chat.record(query.answer)
    stub.callback_answered(query, call.arrived_at)
    return True


def send_chat_action(stub: StubCore, call: ApiCall) -> bool:
    chat = stub.require_chat(call.params)
    action = call.params.get("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.record(ChatActionSent(action))
    return True


def _input_file(stub: StubCore, call: ApiCall, field: str, limit: int) -> UploadedFile:
    """Resolve a ``document``/``photo`` parameter: an upload, a known file_id or a URL."""
    value = call.params.get(field)
    part = call.files.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        part = call.files.get(value.removeprefix("attach://"))
    if part is not None:
        if not part.data:
            raise bad_request("file must be non-empty")
        if len(part.data) > limit:
            raise ApiError(413, "Request Entity Too Large")
        size = None
        if field == "photo":
            size = image_size(part.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10_000 or max(width, height) > 20 * max(min(width, height), 1):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return stub.store_file(part.data, part.filename, part.content_type, field, size)
    if isinstance(value, str) and value in stub.files:
        return stub.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return stub.store_file(b"", value.rpartition("/")[2] or None, None, field)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _send_media(stub: StubCore, call: ApiCall, field: str, limit: int) -> dict[str, Any]:
    chat = stub.require_chat(call.params)
    file = _input_file(stub, call, field, limit)
    caption = _parse_caption(stub, call.params)
    markup = call.params.get("reply_markup")
    check_reply_markup(markup)
    message = BotMessage(
        message_id=chat.next_message_id(),
        chat_id=chat.id,
        date=int(time.time()),
        document=file if field == "document" else None,
        photo=file if field == "photo" else None,
        caption=caption.text if caption else None,
        caption_html=call.params.get("caption"),
        caption_entities=caption.entities if caption else (),
        parse_mode=call.params.get("parse_mode"),
        reply_markup=markup,
        reply_to_message_id=_reply_to(call.params),
    )
    return stub.publish_sent(chat, message, call.arrived_at)


def send_document(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    return _send_media(stub, call, "document", MAX_DOCUMENT_BYTES)


def send_photo(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    return _send_media(stub, call, "photo", MAX_PHOTO_BYTES)


MESSAGE_METHODS: dict[str, MethodHandler] = {
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "sendchataction": send_chat_action,
    "senddocument": send_document,
    "sendphoto": send_photo,
}
