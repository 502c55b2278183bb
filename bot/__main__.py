"""python -m bot: start the CareerPath bot with settings from the environment."""

from __future__ import annotations

import os
import sys

from bot.app import build_application, serve
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
    secrets = [settings.token, settings.webhook_secret]
    configure_logging(settings.log_level, [s.get_secret_value() for s in secrets if s])
    try:
        content = load_content()
    except ContentError as error:
        print(f"The bot's content is invalid: {error}", file=sys.stderr)
        return EXIT_CONFIG
    application = build_application(settings, content)
    try:
        serve(application, settings)
    except StorageError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
