"""The commands menu (setMyCommands), built from the command registry in vi and en."""

from __future__ import annotations

import logging
import re

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault

from handlers.registry import COMMANDS, Command
from locales import LANGUAGES, Translator

log = logging.getLogger(__name__)
# What Telegram accepts as a command name; anything else would make it refuse the whole menu.
NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def menu(lang: str, *, group: bool = False) -> list[BotCommand]:
    """Each command once, in `order`, with its translated help line as the description."""
    t = Translator(lang)
    seen: set[str] = set()
    items: list[BotCommand] = []
    for cmd in sorted(COMMANDS.values(), key=lambda c: c.order):
        listed = cmd.help is not None and NAME_RE.match(cmd.name) and (cmd.group or not group)
        if cmd.name in seen or not listed:
            continue
        seen.add(cmd.name)
        items.append(BotCommand(command=cmd.name, description=_description(t, cmd)))
    return items


def _description(t: Translator, cmd: Command) -> str:
    # Help lines read "/name — what it does"; the menu shows only what it does.
    msgid = cmd.help or ""
    line = t._(msgid)
    _, sep, rest = line.partition(" — ")
    return (rest if sep else line).strip()[:256] or cmd.name


async def set_commands(bot: Bot) -> None:
    """Default menu in the default language, plus one per language code; never stops a start."""
    try:
        for scope, group in (
            (BotCommandScopeDefault(), False),
            (BotCommandScopeAllGroupChats(), True),
        ):
            await bot.set_my_commands(menu("vi", group=group), scope=scope)
            for lang in LANGUAGES:
                await bot.set_my_commands(menu(lang, group=group), scope=scope, language_code=lang)
    except TelegramAPIError as exc:
        log.warning("telegram: commands menu not set: %s", type(exc).__name__)
