"""Configuration from the environment, checked before anything starts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite:///careerpath.sqlite3"
DEFAULT_RETENTION_DAYS = 180

MISSING_TOKEN = """\
TELEGRAM_BOT_TOKEN is not set, so the bot cannot connect to Telegram. To get a token, open \
Telegram, start a chat with @BotFather (https://t.me/BotFather), send /newbot and follow the \
two prompts (a display name, then a username ending in "bot"); BotFather replies with a token \
that looks like 123456789:AAE... Keep it secret, then start the bot with \
`TELEGRAM_BOT_TOKEN='<your token>' python -m bot`."""


class ConfigError(Exception):
    """The environment does not describe a bot we can start; the message says how to fix it."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    token: SecretStr
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Benchmarks only: switch off the bot's own flood control to measure raw capacity.
    rate_limit: bool = True
    max_concurrent_updates: int = Field(default=256, ge=1)
    # Chats untouched for this long are deleted by the retention sweep.
    retention_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1)

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
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError(MISSING_TOKEN)
        values: dict[str, object] = {"token": token}
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
    "retention_days": "DATA_RETENTION_DAYS",
}


def _describe(error: ErrorDetails) -> str:
    """One problem, named by its environment variable; never the offending value (it may
    be a secret)."""
    message = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:
        return message
    field = str(error["loc"][0])
    return f"{_VARIABLES.get(field, field)}: {message}"
