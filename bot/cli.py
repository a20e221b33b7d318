"""`cdsbot` (= `python -m bot`): run, chat, demo, db, invite, plus bot/cli_*.py subcommands."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import pkgutil
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime

import bot
from bot import tuning
from bot.app import App, build_app, setup_logging
from bot.demo import create_demo
from bot.operator_text import _
from bot.settings import SettingsError, get_settings
from handlers.roles import ROLE_NAMES
from models.base import utcnow
from models.commune import Commune, Village, villages
from models.keys import fold
from models.member import Role
from models.membership import create_invite, show_code

Command = Callable[[App, argparse.Namespace], Awaitable[int | None]]


class CliError(Exception):
    """A problem with what the operator typed: printed as one line, exit code 2."""


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
    parser = argparse.ArgumentParser(prog="cdsbot", description="Community digital team bot")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="start the bot (console chat when no token is set)")
    run.set_defaults(func=cmd_run)

    chat = sub.add_parser("chat", help="chat in the terminal as a platform user")
    chat.add_argument("--user", required=True, help="platform user id, e.g. lan")
    chat.add_argument("--name", help="display name the platform would send")
    chat.add_argument(
        "--join",
        choices=[r.value for r in (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)],
        help="first join the demo commune with its invite for this role (scripted sessions)",
    )
    chat.set_defaults(func=cmd_chat)

    demo = sub.add_parser("demo", help="create the demo commune (idempotent)")
    demo.set_defaults(func=cmd_demo)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    invite = sub.add_parser("invite", help="invite codes")
    invite_sub = invite.add_subparsers(dest="invite_command", required=True)
    create = invite_sub.add_parser("create", help="create an invite code")
    create.add_argument("--commune", help="commune name (optional with one commune)")
    create.add_argument("--village", help="village name (omit for officials)")
    create.add_argument("--role", default="volunteer", choices=[r.value for r in Role])
    create.add_argument("--uses", type=int, default=20)
    create.add_argument("--days", type=int, default=30)
    create.set_defaults(func=cmd_invite_create)

    for module in pkgutil.iter_modules(bot.__path__):
        if module.name.startswith("cli_"):
            importlib.import_module(f"bot.{module.name}").register(sub)
    return parser


async def cmd_run(app: App, args: argparse.Namespace) -> int | None:
    from bot.run import serve

    return await serve(app)


async def cmd_chat(app: App, args: argparse.Namespace) -> int | None:
    from bot.channels.console import ConsoleChat

    console = ConsoleChat(app.pipeline, args.user, args.name)
    if args.join:
        await join_demo(app, console, args)
    await console.run(sys.stdin, sys.stdout)
    return 0


async def join_demo(app: App, console, args: argparse.Namespace) -> None:
    """Join the demo commune before the script runs: its invite codes differ per database."""
    from bot.channels.console import render
    from models.membership import member_for_account

    async with app.sessionmaker() as session:
        member = await member_for_account(session, channel="console", user_id=args.user)
    if member is not None:
        return
    demo = await create_demo(app)
    if demo is None:
        raise CliError(_no_demo_text())
    code = demo.invites[args.join]
    replies = await console.say(f"/start {code}")
    # With a display name the join flow asks to confirm it; without, it asks for the name.
    fallback = args.user.capitalize() if args.user.isalpha() else "Người Dùng Thử"
    replies = await console.say("1" if args.name else fallback)
    for reply in replies:
        print(render(reply))


async def cmd_demo(app: App, args: argparse.Namespace) -> int | None:
    result = await create_demo(app)
    if result is None:
        raise CliError(_no_demo_text())
    if result.created:
        print(_("Demo commune Quảng Trường created."))
    else:
        print(_("Demo commune Quảng Trường already exists."))
    for role, code in result.invites.items():
        print(f"{role:<10} {show_code(code)}")
    return 0


def _no_demo_text() -> str:
    return _(
        "This database already holds a real commune, so the demo is not added beside it. "
        "See `cdsbot commune list`."
    )


async def cmd_db_upgrade(app: App, args: argparse.Namespace) -> int | None:
    print(_("Database is up to date."))  # build_app has just applied the migrations
    return 0


async def find_commune(session, name: str | None) -> Commune:
    """The commune named by --commune (name, or "name, province"); without it, the only one.

    Missing or unknown: a one-line error listing the communes the database holds."""
    from sqlalchemy import select

    rows = (await session.execute(select(Commune).order_by(Commune.name))).scalars().all()
    if name:
        commune_part, _sep, province_part = name.partition(",")
        wanted, province = fold(commune_part), fold(province_part)
        rows_named = [c for c in rows if c.name_key == wanted]
        if province:
            rows_named = [c for c in rows_named if c.province_key == province]
        if len(rows_named) == 1:
            return rows_named[0]
    elif len(rows) == 1:
        return rows[0]
    known = ", ".join(commune_label(c) for c in rows) or _("none yet")
    if name:
        raise CliError(
            _('There is no commune "{name}" (--commune). Known: {known}', name=name, known=known)
        )
    raise CliError(_("Name one commune with --commune. Known: {known}", known=known))


def commune_label(commune: Commune) -> str:
    """ "Quảng Lạc (Lạng Sơn)", and "(demo)" for the demo commune."""
    text = commune.name + (f" ({commune.province})" if commune.province else "")
    return _("{name} (demo)", name=text) if commune.is_demo else text


async def find_village(session, commune_id: int, name: str) -> Village:

    key = fold(name)
    rows = await villages(session, commune_id=commune_id)
    names = []
    for village in rows:
        if village.name_key == key:
            return village
        names.append(village.name)
    raise CliError(
        _(
            'There is no area "{name}" in this commune. Known: {known}',
            name=name,
            known=", ".join(names[:40]) or _("none yet"),
        )
    )


async def cmd_invite_create(app: App, args: argparse.Namespace) -> int | None:
    role = Role(args.role)
    if role in (Role.VOLUNTEER, Role.LEADER) and not args.village:
        raise CliError(_("--village is required for volunteers and leaders"))
    if args.uses < 1 or args.days < 1:
        raise CliError(_("--uses and --days must be at least 1"))
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        village = await find_village(session, commune.id, args.village) if args.village else None
        code = await create_invite(
            session,
            commune_id=commune.id,
            village_id=village.id if village else None,
            role=role,
            uses=args.uses,
            days=args.days,
        )
    where = village.name + ", " + commune.name if village else commune.name
    print(
        _(
            "Invite for {role} in {place}: {uses} uses, {days} days.",
            role=_(ROLE_NAMES[role.value]),
            place=where,
            uses=args.uses,
            days=args.days,
        )
    )
    print(show_code(code))
    return 0


def local_now(app: App) -> datetime:
    return utcnow().astimezone(app.settings.tz)
