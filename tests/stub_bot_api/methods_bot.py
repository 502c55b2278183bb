"""Bot API methods about the bot itself: identity, commands, updates, webhook, files."""

from __future__ import annotations

import json
import re
from typing import Any

from .core import ApiCall, MethodHandler, StubCore
from .errors import WEBHOOK_ACTIVE, ApiError, bad_request
from .limits import check_commands

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def get_me(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    return stub.bot_user


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"wrong parameter {name} in request")
    return int(value)


async def get_updates(stub: StubCore, call: ApiCall) -> list[dict[str, Any]]:
    if stub.webhook.active:
        raise ApiError(409, WEBHOOK_ACTIVE)
    limit = min(max(_int_param(call.params, "limit", 100), 1), 100)
    allowed = call.params.get("allowed_updates")
    updates = await stub.update_queue.get(
        offset=_int_param(call.params, "offset", 0),
        limit=limit,
        poll_timeout=max(_int_param(call.params, "timeout", 0), 0),
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    for update in updates:  # fake users waiting for silence start counting from here
        chat = stub.chats.get(update.timing.chat_id) if update.timing.chat_id else None
        if chat is not None:
            chat.poke()
    return [update.payload for update in updates]


async def set_webhook(stub: StubCore, call: ApiCall) -> bool:
    url = call.params.get("url", "")
    if not url:
        return await delete_webhook(stub, call)
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = call.params.get("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    max_connections = _int_param(call.params, "max_connections", 40)
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    if call.params.get("drop_pending_updates"):
        stub.update_queue.drain()
        stub.webhook.drain()
    allowed = call.params.get("allowed_updates")
    await stub.webhook.enable(
        url,
        str(secret) if secret is not None else None,
        max_connections,
        allowed if isinstance(allowed, list) else None,
    )
    for update in stub.update_queue.drain():
        stub.webhook.submit(update)
    return True


async def delete_webhook(stub: StubCore, call: ApiCall) -> bool:
    leftovers = await stub.webhook.disable()
    if call.params.get("drop_pending_updates"):
        stub.update_queue.drain()
    else:
        stub.update_queue.put_back(leftovers)
    return True


def get_webhook_info(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    webhook = stub.webhook
    if not webhook.active:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(stub.update_queue),
        }
    info: dict[str, Any] = {
        "url": webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": webhook.pending_count,
        "max_connections": webhook.max_connections,
    }
    if webhook.allowed_updates:
        info["allowed_updates"] = webhook.allowed_updates
    if webhook.last_error_date is not None:
        info["last_error_date"] = webhook.last_error_date
        info["last_error_message"] = webhook.last_error_message
    return info


def commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    """Commands are stored per (scope, language_code); no scope means ``default``."""
    if not scope:
        scope = {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(language_code or "")


def set_my_commands(stub: StubCore, call: ApiCall) -> bool:
    commands = check_commands(call.params.get("commands"))
    key = commands_key(call.params.get("scope"), call.params.get("language_code"))
    if commands:
        stub.commands[key] = commands
    else:
        stub.commands.pop(key, None)
    return True


def get_my_commands(stub: StubCore, call: ApiCall) -> list[dict[str, str]]:
    key = commands_key(call.params.get("scope"), call.params.get("language_code"))
    return stub.commands.get(key, [])


def delete_my_commands(stub: StubCore, call: ApiCall) -> bool:
    key = commands_key(call.params.get("scope"), call.params.get("language_code"))
    stub.commands.pop(key, None)
    return True


# Telegram's limits on the bot's description and short description.
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


def _set_text(store: dict[str, str], call: ApiCall, field: str, limit: int) -> bool:
    """setMyDescription / setMyShortDescription: an empty or missing text removes the
    one for that language."""
    text = call.params.get(field, "")
    if not isinstance(text, str):
        raise bad_request(f"wrong parameter {field} in request")
    if len(text) > limit:
        raise bad_request(f"{field.upper()}_INVALID")
    language = str(call.params.get("language_code") or "")
    if text:
        store[language] = text
    else:
        store.pop(language, None)
    return True


def set_my_description(stub: StubCore, call: ApiCall) -> bool:
    return _set_text(stub.descriptions, call, "description", MAX_DESCRIPTION)


def get_my_description(stub: StubCore, call: ApiCall) -> dict[str, str]:
    language = str(call.params.get("language_code") or "")
    return {"description": stub.descriptions.get(language, "")}


def set_my_short_description(stub: StubCore, call: ApiCall) -> bool:
    return _set_text(stub.short_descriptions, call, "short_description", MAX_SHORT_DESCRIPTION)


def get_my_short_description(stub: StubCore, call: ApiCall) -> dict[str, str]:
    language = str(call.params.get("language_code") or "")
    return {"short_description": stub.short_descriptions.get(language, "")}


def get_file(stub: StubCore, call: ApiCall) -> dict[str, Any]:
    file_id = call.params.get("file_id")
    file = stub.files.get(file_id) if isinstance(file_id, str) else None
    if file is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.size,
        "file_path": stub.file_path_of[file.file_id],
    }


def close(stub: StubCore, call: ApiCall) -> bool:
    return True


def log_out(stub: StubCore, call: ApiCall) -> bool:
    return True


BOT_METHODS: dict[str, MethodHandler] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setmydescription": set_my_description,
    "getmydescription": get_my_description,
    "setmyshortdescription": set_my_short_description,
    "getmyshortdescription": get_my_short_description,
    "getfile": get_file,
    "close": close,
    "logout": log_out,
}
