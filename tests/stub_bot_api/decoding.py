"""Turn an incoming Bot API request (query string, url-encoded form, multipart or JSON)
into a plain ``dict`` of parameters plus the uploaded files.

PTB 22 sends url-encoded form fields; values that are not strings (ints, bools, lists,
dicts such as ``reply_markup``) are JSON-encoded, strings are sent verbatim. Uploads use
``multipart/form-data`` with the file in a part named after the parameter (``document``,
``photo``) or after an ``attach://`` name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import bad_request
from .models import UploadedPart

# Parameters whose values are free text: never JSON-decode them ("123" stays a string).
TEXT_PARAMETERS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "callback_query_id",
        "action",
        "language_code",
        "ip_address",
        "emoji",
        "inline_message_id",
        "file_id",
        "name",
        "title",
        "description",
        "short_description",
        "message_effect_id",
        "business_connection_id",
        "document",
        "photo",
    }
)
_JSON_START = frozenset('{["-0123456789tfn')


@dataclass(slots=True)
class DecodedRequest:
    """Parameters of one Bot API call, JSON fields decoded, plus the raw uploaded files."""

    params: dict[str, Any]
    files: dict[str, UploadedPart]


def decode_value(name: str, raw: str) -> Any:
    """Decode one form field the way the Bot API does (JSON for non-text parameters)."""
    if name in TEXT_PARAMETERS or not raw or raw[0] not in _JSON_START:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def decode_request(request: web.Request) -> DecodedRequest:
    """Read the body of ``request`` (any encoding Telegram accepts) into a ``DecodedRequest``."""
    params: dict[str, Any] = {key: decode_value(key, value) for key, value in request.query.items()}
    files: dict[str, UploadedPart] = {}
    if request.content_type == "application/json":
        body = await request.read()
        if body:
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(decoded, dict):
                raise bad_request("JSON object expected")
            params.update(decoded)
        return DecodedRequest(params, files)
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = decode_value(key, value)
            else:  # aiohttp FileField
                files[key] = UploadedPart(
                    field_name=key,
                    filename=value.filename,
                    content_type=value.content_type,
                    data=value.file.read(),
                )
    return DecodedRequest(params, files)
