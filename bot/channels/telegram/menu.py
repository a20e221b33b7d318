"""The commands menu (setMyCommands), built from the command registry in vi and en.

The default menu is a volunteer's (most people); each known member's private chat gets the menu
of their role (BotCommandScopeChat), so a volunteer never sees /muctieu or /nhatky."""

from __future__ import annotations

import logging
import re

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)

from handlers.core.router import Command
from handlers.routes import COMMANDS
from locales import LANGUAGES, Translator
from models.members import ROLE_RANK, Role

log = logging.getLogger(__name__)
# What Telegram accepts as a command name; anything else would make it refuse the whole menu.
NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def menu(lang: str, *, group: bool = False, role: str | None = Role.VOLUNTEER) -> list[BotCommand]:
    """Each command the role may use once, in `order`, with its translated help line as the
    description; role None is someone who has not joined yet."""
    t = Translator(lang)
    seen: set[str] = set()
    items: list[BotCommand] = []
    for cmd in sorted(COMMANDS.values(), key=lambda c: c.order):
        listed = cmd.help is not None and NAME_RE.match(cmd.name) and (cmd.group or not group)
        listed = listed and _allowed(cmd, role)
        if cmd.name in seen or not listed:
            continue
        seen.add(cmd.name)
        items.append(BotCommand(command=cmd.name, description=_description(t, cmd)))
    return items


def _allowed(cmd: Command, role: str | None) -> bool:
    if cmd.role is None:
        return True
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[cmd.role]


async def set_chat_menu(bot: Bot, chat_id: str, role: str | None, lang: str) -> None:
    """One private chat's menu, for the member's role and language (raises on API errors)."""
    await bot.set_my_commands(
        menu(lang, role=role), scope=BotCommandScopeChat(chat_id=int(chat_id))
    )


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
            # A group is shared by every role: its menu lists every command allowed there.
            role = Role.ADMIN if group else Role.VOLUNTEER
            await bot.set_my_commands(menu("vi", group=group, role=role), scope=scope)
            for lang in LANGUAGES:
                items = menu(lang, group=group, role=role)
                await bot.set_my_commands(items, scope=scope, language_code=lang)
    except TelegramAPIError as exc:
        log.warning("telegram: commands menu not set: %s", type(exc).__name__)
