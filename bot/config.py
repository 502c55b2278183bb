"""Configuration from the environment, checked before anything starts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite:///careerpath.sqlite3"
# Updates handled at once (different chats). Each makes its Bot API requests one after
# another, so 16 in flight cover Telegram's 30 messages/s even at 250 ms a round trip. More
# only cost CPU: with one pooled connection per update in flight, httpcore checks every idle
# connection (syscalls) on each request.
MAX_CONCURRENT_UPDATES = 16
DEFAULT_PORT = 8080
DEFAULT_RETENTION_DAYS = 180
# On SIGTERM, the updates in flight get this long to finish (platforms kill after 10 s).
DEFAULT_SHUTDOWN_GRACE = 7.0
# Webhook: a client must send a request head, and then its body, within this many seconds.
DEFAULT_WEBHOOK_READ_TIMEOUT = 10.0
# Webhook: connections open at once (Telegram uses up to 40 by default, at most 100).
DEFAULT_WEBHOOK_MAX_CONNECTIONS = 100
# Telegram's rule for a webhook's secret_token.
SECRET_ALPHABET = r"[A-Za-z0-9_-]{1,256}"
SECRET_RULE = "1 to 256 characters from A-Z, a-z, 0-9, _ and -"

MISSING_TOKEN = """\
TELEGRAM_BOT_TOKEN is not set, so the bot cannot connect to Telegram. To get a token, open \
Telegram, start a chat with @BotFather (https://t.me/BotFather), send /newbot and follow the \
two prompts (a display name, then a username ending in "bot"); BotFather replies with a token \
that looks like 123456789:AAE... Keep it secret, then start the bot with \
`TELEGRAM_BOT_TOKEN='<your token>' python -m bot`. To try it without Telegram first, run \
`python -m bot --console`."""
REFUSED_TOKEN = """\
Telegram refused TELEGRAM_BOT_TOKEN: it is mistyped, or was revoked. Copy it again from \
@BotFather (https://t.me/BotFather): send /mybots, pick the bot, then "API Token"."""
UNREACHABLE_API = """\
The bot could not reach the Telegram Bot API at {api_url} ({problem}). Check this machine's \
network connection, or TELEGRAM_API_URL if you set it."""


class ConfigError(Exception):
    """The environment does not describe a bot we can start; the message says how to fix it."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    token: SecretStr | None = None  # required to talk to Telegram; the console needs none
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Benchmarks only: switch off the bot's own flood control to measure raw capacity.
    rate_limit: bool = True
    max_concurrent_updates: int = Field(default=MAX_CONCURRENT_UPDATES, ge=1)
    # Seconds to wait for the Bot API to answer one request before retrying it.
    api_timeout: float = Field(default=5.0, gt=0)
    # Webhook mode when webhook_url is set; long polling otherwise.
    webhook_url: str | None = None
    # What Telegram sends in X-Telegram-Bot-Api-Secret-Token; its allowed alphabet.
    webhook_secret: SecretStr | None = None
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    listen: str = "0.0.0.0"
    webhook_read_timeout: float = Field(default=DEFAULT_WEBHOOK_READ_TIMEOUT, gt=0)
    webhook_max_connections: int = Field(default=DEFAULT_WEBHOOK_MAX_CONNECTIONS, ge=1)
    shutdown_grace: float = Field(default=DEFAULT_SHUTDOWN_GRACE, ge=0)
    # Chats untouched for this long are deleted by the retention sweep.
    retention_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1)
    # Tests and demos: a "day" of this many seconds for check-ins (no 10:00 alignment).
    checkin_day_seconds: float | None = Field(default=None, gt=0)
    # Telegram user ids allowed to use /stats.
    admin_chat_ids: frozenset[int] = frozenset()
    # /healthz, /readyz and /metrics on this port (bot/ops.py); not served when unset.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_listen: str = "127.0.0.1"
    # Error reports to Sentry (bot/errors.py); the DSN holds a key, so it is kept secret.
    sentry_dsn: SecretStr | None = None

    @field_validator("admin_chat_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        ids = [part.strip() for part in value.split(",") if part.strip()]
        if not all(re.fullmatch(r"-?\d{1,20}", part) for part in ids):
            raise ValueError("must be Telegram user ids separated by commas, e.g. 12345,67890")
        return frozenset(int(part) for part in ids)

    @field_validator("api_url")
    @classmethod
    def _plain_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("must be sqlite:///path or postgresql://user:pass@host/db")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be the public https:// address Telegram posts updates to")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(SECRET_ALPHABET, value.get_secret_value()):
            raise ValueError(f"must be {SECRET_RULE}")
        return value

    @model_validator(mode="after")
    def _secret_for_webhook(self) -> Self:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                f"WEBHOOK_SECRET is required when WEBHOOK_URL is set ({SECRET_RULE}), so that "
                "only Telegram can post updates to the bot"
            )
        return self

    @model_validator(mode="after")
    def _metrics_port_free(self) -> Self:
        if self.webhook_url and self.metrics_port == self.port:
            raise ValueError(
                f"METRICS_PORT must differ from PORT ({self.port}), where the webhook is served"
            )
        return self

    @property
    def webhook_path(self) -> str:
        """The path part of WEBHOOK_URL, where the bot's web server takes updates."""
        return urlsplit(self.webhook_url or "").path.lstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, need_token: bool = True) -> Settings:
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if need_token and not token:
            raise ConfigError(MISSING_TOKEN)
        values: dict[str, object] = {"token": token or None}
        for field, variable in _VARIABLES.items():
            if env.get(variable, "").strip():
                values[field] = env[variable].strip()
        if "log_level" in values:
            values["log_level"] = str(values["log_level"]).upper()
        if env.get("BOT_RATE_LIMIT", "").strip().lower() == "off":
            values["rate_limit"] = False
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(_describe(e) for e in error.errors())
            raise ConfigError(f"Invalid configuration: {problems}") from None


_VARIABLES = {
    "api_url": "TELEGRAM_API_URL",
    "database_url": "DATABASE_URL",
    "log_level": "LOG_LEVEL",
    "webhook_url": "WEBHOOK_URL",
    "webhook_secret": "WEBHOOK_SECRET",
    "port": "PORT",
    "listen": "WEBHOOK_LISTEN",
    "retention_days": "DATA_RETENTION_DAYS",
    "checkin_day_seconds": "CHECKIN_DAY_SECONDS",
    "admin_chat_ids": "ADMIN_CHAT_IDS",
    "metrics_port": "METRICS_PORT",
    "metrics_listen": "METRICS_LISTEN",
    "sentry_dsn": "SENTRY_DSN",
    "webhook_read_timeout": "WEBHOOK_READ_TIMEOUT",
    "webhook_max_connections": "WEBHOOK_MAX_CONNECTIONS",
    "shutdown_grace": "SHUTDOWN_GRACE_SECONDS",
}


def _describe(error: ErrorDetails) -> str:
    """One problem, named by its environment variable; never the offending value (it may
    be a secret)."""
    message = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:
        return message
    field = str(error["loc"][0])
    return f"{_VARIABLES.get(field, field)}: {message}"
