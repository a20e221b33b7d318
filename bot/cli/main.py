"""`cdsbot` (= `python -m bot`): the operator's commands, one module each in this package.

Every command module has `register(subparsers, t)`, t translating its help texts into the
operator's language; `COMMANDS` below is the whole list, in the order `cdsbot --help` shows
them."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable

from bot import tuning
from bot.app import App, build_app
from bot.cli import (
    backup,
    bench,
    chat,
    commune,
    i18n,
    imports,
    inbound,
    invite,
    jobs,
    plan,
    target,
    web,
)
from bot.cli.common import CliError
from bot.cli.parser import CliParser
from bot.logs import setup_logging
from bot.settings import SettingsError, configured_locale, get_settings
from locales import translator

COMMANDS = (chat, invite, backup, bench, commune, i18n, imports, inbound, jobs, plan, target, web)
Command = Callable[[App, argparse.Namespace], Awaitable[int | None]]


def main(argv: list[str] | None = None) -> None:
    try:
        _main(argv)
    except BrokenPipeError:
        # `cdsbot village list | head`: the reader left. Python would print a traceback when it
        # flushes stdout at exit; point stdout at /dev/null and leave quietly, like `cat` does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(141) from None


def _main(argv: list[str] | None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        raise SystemExit(2)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(exc.code, file=sys.stderr)
        raise SystemExit(2) from None
    setup_logging(settings.log_level if args.command == "run" else "WARNING", settings.log_format)
    try:
        # `cdsbot run` on uvloop (bot/tuning.py); one-off commands on the standard loop.
        run = tuning.run if args.command == "run" else asyncio.run
        code = run(_call(args.func, args))
    except CliError as exc:
        print(f"cdsbot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code or 0)


async def _call(func: Command, args: argparse.Namespace) -> int | None:
    app = await build_app(get_settings(), migrate=getattr(args, "migrate", True))
    try:
        return await func(app, args)
    finally:
        await app.close()


def build_parser() -> argparse.ArgumentParser:
    # Built before the settings are checked: DEFAULT_LOCALE is read on its own, so `--help` and
    # a mistyped command still speak the operator's language when another setting is wrong.
    t = translator(configured_locale())
    parser = CliParser(prog="cdsbot", description=t._("Community digital team bot"), t=t)
    sub = parser.add_subparsers(dest="command")
    for command in COMMANDS:
        command.register(sub, t)
    return parser
