"""Bot API error responses, shaped exactly like Telegram's."""

from __future__ import annotations

import math
from typing import Any

NOT_FOUND = "Not Found"
UNAUTHORIZED = "Unauthorized"
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "Bad Request: chat not found"
BOT_BLOCKED = "Forbidden: bot was blocked by the user"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
OTHER_GET_UPDATES = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
NGINX_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class ApiError(Exception):
    """A Bot API error: the stub answers the request with ``{"ok": false, ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: float | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 error whose description starts with ``Bad Request: ``."""
    return ApiError(400, f"Bad Request: {reason}")


def too_many_requests(seconds: float, whole_seconds: bool = True) -> ApiError:
    """A 429 flood-control error; ``seconds`` is rounded up to a whole second (at least 1),
    as Telegram does, unless ``whole_seconds`` is off: then up to the millisecond (at least
    one, as PTB reads a retry_after of 0 as no flood control at all)."""
    if whole_seconds:
        retry_after: float = max(1, math.ceil(seconds))
    else:
        retry_after = max(1, math.ceil(seconds * 1000)) / 1000
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
