"""python -m bot: start the CareerPath bot with settings from the environment."""

from __future__ import annotations

import logging
import os
import sys

from telegram import Update

from bot.app import build_application
from bot.config import ConfigError, Settings
from bot.logs import configure_logging
from bot.storage import StorageError
from flows.content import ContentError, load_content

# Exit code for a bot that cannot start as configured (missing token, invalid content...).
EXIT_CONFIG = 2


def main() -> int:
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, secrets=[settings.token.get_secret_value()])
    try:
        content = load_content()
    except ContentError as error:
        print(f"The bot's content is invalid: {error}", file=sys.stderr)
        return EXIT_CONFIG
    application = build_application(settings, content)
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except StorageError as error:
        logging.getLogger("bot").error("%s", error)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
