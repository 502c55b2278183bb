"""Logging that never shows the bot token or what users typed."""

from __future__ import annotations

import hashlib
import hmac
import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replaces secrets wherever they appear in a record, including tracebacks."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self._clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        return True


class OneLineStartupFailure(logging.Filter):
    """PTB logs a failed start-up (Telegram unreachable, token refused) with a traceback
    before raising; python -m bot then explains it in one paragraph, so one line is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Network Retry Loop (Bootstrap"):
            record.exc_info, record.exc_text = None, None
        return True


def configure_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(OneLineStartupFailure())
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token; the job
    # scheduler logs every run of the retention sweep; transitions logs every state it
    # enters. The README promises one INFO line per update (bot.updates).
    for noisy in ("httpx", "httpcore", "apscheduler", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def chat_ref(chat_id: int, key: str) -> str:
    """A stable, non-reversible stand-in for a chat id in logs."""
    digest = hmac.new(key.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()
    return digest[:12]
