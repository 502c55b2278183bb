"""python -m bot: start the CareerPath bot with settings from the environment.

python -m bot --console runs the same dialogue in the terminal, without Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from bot.config import REFUSED_TOKEN, UNREACHABLE_API, ConfigError, Settings
from bot.errors import init_sentry
from bot.logs import configure_logging
from bot.storage import StorageError
from flows.content import ContentError, load_content
from flows.schema import Content

# Exit code for a bot that cannot start as configured (missing token, invalid content...).
EXIT_CONFIG = 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--console",
        action="store_true",
        help="talk to the bot in this terminal: no token, no network needed",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env(os.environ, need_token=not args.console)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    secrets = [s.get_secret_value() for s in (settings.token, settings.webhook_secret) if s]
    log_level = "WARNING" if args.console else settings.log_level
    configure_logging(log_level, secrets)
    if settings.sentry_dsn is not None and not args.console:
        try:
            init_sentry(settings.sentry_dsn.get_secret_value(), secrets)
        except ConfigError as error:
            print(error, file=sys.stderr)
            return EXIT_CONFIG
    try:
        content = load_content()
    except ContentError as error:
        print(f"The bot's content is invalid: {error}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        if args.console:
            return _run_console(content, settings)
        return _serve(content, settings)
    except StorageError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except (KeyboardInterrupt, BrokenPipeError):  # Ctrl-C, or `... --console | head`
        return 0


# The two modes import what they run only once chosen: python-telegram-bot, aiohttp and
# the rest of the serving stack are half a start's CPU, which the console never uses and
# a configuration error need not wait for.


def _run_console(content: Content, settings: Settings) -> int:
    from bot.console import run_console

    asyncio.run(run_console(content, settings.database_url, sys.stdin, sys.stdout))
    return 0


def _serve(content: Content, settings: Settings) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application, serve

    try:
        serve(build_application(settings, content), settings)
    except InvalidToken:
        print(REFUSED_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as error:  # only start-up gives up on the network; polling retries
        print(UNREACHABLE_API.format(api_url=settings.api_url, problem=error), file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
