"""The bot's profile in Telegram: the description and short description a person sees
before pressing Start, and the command menu, in each language the content has.

Each is read first (getMyDescription, getMyShortDescription, getMyCommands) and set only when
it differs, so restarts and replicas don't spend Telegram's rate limits on it.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import InvalidToken, TelegramError

from flows.dialogue import COMMANDS
from flows.schema import Content

log = logging.getLogger(__name__)


async def sync_profile(
    bot: Bot, content: Content, admins: frozenset[int] = frozenset()
) -> list[str]:
    """Bring the profile in line with the content; what was changed ("description:es"...).
    Admins also find /stats in their own command menu. A failure is logged and the bot goes
    on: the profile is a nicety, not a reason to stop."""
    changed: list[str] = []
    for language, words in content.languages.items():
        code = None if language == content.default_language else language
        profile = words.messages.profile
        try:
            current = await bot.get_my_description(language_code=code)
            if current.description != profile.description:
                await bot.set_my_description(profile.description, language_code=code)
                changed.append(f"description:{language}")
            short = await bot.get_my_short_description(language_code=code)
            if short.short_description != profile.short_description:
                await bot.set_my_short_description(profile.short_description, language_code=code)
                changed.append(f"short_description:{language}")
            commands = [BotCommand(name, words.messages.commands[name]) for name in COMMANDS]
            if tuple(await bot.get_my_commands(language_code=code)) != tuple(commands):
                await bot.set_my_commands(commands, language_code=code)
                changed.append(f"commands:{language}")
        except InvalidToken:
            raise
        except TelegramError as error:
            log.warning("could not update the bot's %s profile: %s", language, error)
        admin_commands = [*commands, BotCommand("stats", words.messages.stats.command)]
        for admin in sorted(admins):
            try:
                scope = BotCommandScopeChat(admin)
                current = await bot.get_my_commands(scope=scope, language_code=code)
                if tuple(current) != tuple(admin_commands):
                    await bot.set_my_commands(admin_commands, scope=scope, language_code=code)
                    changed.append(f"admin-commands:{language}")
            except InvalidToken:
                raise
            except TelegramError as error:  # e.g. an admin who never opened the bot
                log.warning("could not give an admin the /stats menu: %s", error)
    if changed:
        log.info("bot profile updated: %s", ", ".join(changed))
    return changed
