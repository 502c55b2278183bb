"""Optional error reports to Sentry (SENTRY_DSN), with the token and user content scrubbed.

What leaves the process: the exception's type, its message with every secret replaced, and
its stack (file, function, line; no local variables). Log lines go as their format string
only ("update=%s chat=%s failed: %s"), never the values filled in, which is where a user's
words could be. No request bodies, headers, cookies or user object; and the token (which
Bot API URLs carry) and the webhook secret are replaced wherever they still appear.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.config import ConfigError

log = logging.getLogger(__name__)

REDACTED = "[REDACTED]"
MISSING_SDK = """\
SENTRY_DSN is set, but sentry-sdk is not installed. Install it with \
`pip install 'careerpath-bot[sentry]'` (the container image has it), or unset SENTRY_DSN."""

Event = dict[str, Any]
# Parts of an event that only ever carry request or user data: dropped whole.
_DROPPED = ("request", "user", "extra", "modules")


def scrubber(secrets: list[str]) -> Callable[[Any], Any]:
    """A function that returns a copy of any JSON-like value with the secrets replaced."""
    secrets = [s for s in secrets if s]

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, REDACTED)
            return value
        if isinstance(value, dict):
            return {scrub(k): scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [scrub(v) for v in value]
        return value

    return scrub


def before_send(secrets: list[str]) -> Callable[[Event, dict[str, Any]], Event | None]:
    scrub = scrubber(secrets)

    def clean(event: Event, hint: dict[str, Any]) -> Event | None:
        for key in _DROPPED:
            event.pop(key, None)
        entry = event.get("logentry")
        if isinstance(entry, dict):
            # The format string is code; the values filled in are data.
            event["logentry"] = {"message": entry.get("message", "")}
        for exception in (event.get("exception") or {}).get("values") or []:
            for frame in (exception.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
        for thread in (event.get("threads") or {}).get("values") or []:
            for frame in (thread.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
        event["breadcrumbs"] = {
            "values": [
                crumb
                for crumb in (
                    _breadcrumb(c) for c in (event.get("breadcrumbs") or {}).get("values") or []
                )
                if crumb
            ]
        }
        return scrub(event)

    return clean


def _breadcrumb(crumb: dict[str, Any]) -> dict[str, Any]:
    """A log breadcrumb keeps its logger and level, not its text (it is already filled
    in); others (HTTP calls) keep their category and URL, which scrubbing clears of the
    token."""
    kept = {k: crumb[k] for k in ("type", "category", "level", "timestamp") if k in crumb}
    if crumb.get("type") != "log":
        data = crumb.get("data") or {}
        kept["data"] = {k: data[k] for k in ("url", "method", "status_code") if k in data}
    return kept


def before_breadcrumb(secrets: list[str]) -> Callable[[Event, dict[str, Any]], Event | None]:
    scrub = scrubber(secrets)

    def clean(crumb: Event, hint: dict[str, Any]) -> Event | None:
        return scrub(_breadcrumb(crumb))

    return clean


def init_sentry(dsn: str, secrets: list[str], **options: Any) -> None:
    """Report exceptions (and ERROR log lines) to Sentry. options: for the tests (a
    transport that keeps what would be sent)."""
    try:
        import sentry_sdk
    except ImportError:
        raise ConfigError(MISSING_SDK) from None
    sentry_sdk.init(
        dsn=dsn,
        # Nothing about users, no request bodies, no local variables, no SQL parameters.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        before_send=before_send([dsn, *secrets]),
        before_breadcrumb=before_breadcrumb([dsn, *secrets]),
        traces_sample_rate=0,
        **options,
    )
    log.info("errors are reported to Sentry")
