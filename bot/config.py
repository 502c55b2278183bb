"""Configuration from the environment, checked before anything starts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite:///careerpath.sqlite3"
# Updates handled at once (different chats). Each makes its Bot API requests one after
# another, so 16 in flight cover Telegram's 30 messages/s even at 250 ms a round trip. More
# only cost CPU: with one pooled connection per update in flight, httpcore checks every idle
# connection (syscalls) on each request.
MAX_CONCURRENT_UPDATES = 16

MISSING_TOKEN = """\
TELEGRAM_BOT_TOKEN is not set, so the bot cannot connect to Telegram. To get a token, open \
Telegram, start a chat with @BotFather (https://t.me/BotFather), send /newbot and follow the \
two prompts (a display name, then a username ending in "bot"); BotFather replies with a token \
that looks like 123456789:AAE... Keep it secret, then start the bot with \
`TELEGRAM_BOT_TOKEN='<your token>' python -m bot`. To try it without Telegram first, run \
`python -m bot --console`."""


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

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, need_token: bool = True) -> Settings:
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if need_token and not token:
            raise ConfigError(MISSING_TOKEN)
        values: dict[str, object] = {"token": token or None}
        for field, variable in (
            ("api_url", "TELEGRAM_API_URL"),
            ("database_url", "DATABASE_URL"),
            ("log_level", "LOG_LEVEL"),
        ):
            if env.get(variable, "").strip():
                values[field] = env[variable].strip()
        if "log_level" in values:
            values["log_level"] = str(values["log_level"]).upper()
        if env.get("BOT_RATE_LIMIT", "").strip().lower() == "off":
            values["rate_limit"] = False
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(
                f"{_VARIABLES.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                for e in error.errors()
            )
            raise ConfigError(f"Invalid configuration: {problems}") from None


_VARIABLES = {
    "api_url": "TELEGRAM_API_URL",
    "database_url": "DATABASE_URL",
    "log_level": "LOG_LEVEL",
}
