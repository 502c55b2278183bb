"""Logging that never shows the bot token or what users typed."""

from __future__ import annotations

import hmac
import logging
import secrets
import sys
import time
import traceback

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
        if record.exc_info and record.getMessage().startswith("Network Retry Loop (Bootstrap"):
            record.exc_info, record.exc_text = None, None
        return True


class ExceptionsWithoutMessages(logging.Filter):
    """Above DEBUG, a traceback keeps its frames and exception types but drops the
    exceptions' messages: those can quote what a user sent (a parse error showing the
    update, a validation error showing its input). At DEBUG they are kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG and record.exc_info and record.exc_info[1]:
            record.exc_text = traceback_without_messages(record.exc_info[1])
        return True


class NoUserObjects(logging.Filter):
    """Above DEBUG, a Telegram object (an Update, a Message...) or an exception passed as a
    log argument is shown by its type (and update_id) only: python-telegram-bot logs a
    whole update at CRITICAL when it cannot build a context for it, names and text included."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG or not record.args:
            return True
        if isinstance(record.args, tuple):
            record.args = tuple(_described(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _described(arg) for key, arg in record.args.items()}
        return True


def _described(arg: object) -> object:
    # Telegram's library is not loaded by the console, and then no Telegram object exists.
    telegram = sys.modules.get("telegram")
    if telegram is not None and isinstance(arg, telegram.TelegramObject):
        update_id = getattr(arg, "update_id", None)
        return f"<{type(arg).__name__}{f' update_id={update_id}' if update_id else ''}>"
    if isinstance(arg, BaseException):
        return f"<{type(arg).__name__}>"
    return arg


def traceback_without_messages(error: BaseException) -> str:
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    parts = [
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(link.__traceback__))
        + f"{type(link).__module__}.{type(link).__qualname__} (message not logged)"
        for link in reversed(chain)
    ]
    return "\n\nDuring handling of the above, another exception occurred:\n\n".join(parts)


class RepeatLimiter(logging.Filter):
    """One line per WARNING-or-worse message template every `window` seconds; the next
    one says how many were left out (a flood of identical errors must not fill the disk)."""

    def __init__(self, window: float = 10.0) -> None:
        super().__init__()
        self.window = window
        self._last: dict[tuple[str, int, str], float] = {}
        self._dropped: dict[tuple[str, int, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        if now - self._last.get(key, -self.window) < self.window:
            self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        self._last[key] = now
        dropped = self._dropped.pop(key, 0)
        if dropped:
            left_out = f"{dropped} more like this in the last {self.window:.0f}s not logged"
            record.msg = f"{record.getMessage()} [{left_out}]"
            record.args = None
        return True


class SecondsFormatter(logging.Formatter):
    """FORMAT's time, with the date and time formatted once per second rather than once
    per line: the bot writes a line for every update."""

    _second: int | None = None
    _formatted = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            self._second = second
            self._formatted = time.strftime(self.default_time_format, self.converter(second))
        return self.default_msec_format % (self._formatted, record.msecs)


def configure_logging(level: str, secrets: list[str]) -> None:
    # Nothing logged shows the thread, the process or the calling function, so the
    # logging HOWTO's optimizations apply: a record need not look them up (with one INFO
    # line per update, that was about a third of what the line cost).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SecondsFormatter(FORMAT))
    handler.addFilter(OneLineStartupFailure())
    handler.addFilter(ExceptionsWithoutMessages())
    handler.addFilter(NoUserObjects())
    handler.addFilter(RepeatLimiter())
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token; the job
    # scheduler logs every run of the retention sweep; transitions logs every state it
    # enters; bm25s sets itself to DEBUG and logs each index it builds. The README promises
    # one INFO line per update (bot.updates).
    for noisy in ("httpx", "httpcore", "apscheduler", "transitions", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# Chats that used /forget in this process: a salt that gives them a new reference.
_renamed: dict[int, str] = {}
MAX_RENAMED = 100_000


# Each chat's reference for the day, worked out once: an HMAC took about 20 µs an update
# under load (OpenSSL looks up the hash by name on every call). Bounded; a chat pushed
# out simply has its reference worked out again.
_refs: dict[int, tuple[int, str, str]] = {}
MAX_REFS = 10_000
SECONDS_PER_DAY = 86_400


def chat_ref(chat_id: int, key: str) -> str:
    """A non-reversible stand-in for a chat id in logs. It links one chat's lines within a
    UTC day only, and changes at once when the chat uses /forget (see forget_chat_ref)."""
    day_number = int(time.time()) // SECONDS_PER_DAY
    known = _refs.get(chat_id)
    if known is not None and known[0] == day_number and known[1] == key:
        return known[2]
    day = time.strftime("%Y-%m-%d", time.gmtime(day_number * SECONDS_PER_DAY))
    salt = _renamed.get(chat_id, "")
    message = f"{chat_id}:{day}:{salt}".encode()
    ref = hmac.digest(key.encode(), message, "sha256").hex()[:12]
    _refs.pop(chat_id, None)
    _refs[chat_id] = (day_number, key, ref)
    while len(_refs) > MAX_REFS:
        del _refs[next(iter(_refs))]
    return ref


def forget_chat_ref(chat_id: int) -> None:
    """After /forget, the chat's later log lines do not link to its earlier ones."""
    _refs.pop(chat_id, None)
    _renamed.pop(chat_id, None)
    _renamed[chat_id] = secrets.token_hex(8)
    while len(_renamed) > MAX_RENAMED:
        del _renamed[next(iter(_renamed))]
