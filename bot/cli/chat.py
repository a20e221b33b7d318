"""`cdsbot run`, `chat`, `demo` and `db upgrade`: start the bot, try it in a terminal."""

from __future__ import annotations

import argparse
import sys

from bot.app import App
from bot.cli.common import CliError
from bot.demo import create_demo
from bot.operator_text import _
from locales import Translator
from models.members import Role
from models.members.joining import show_code


def register(sub, t: Translator) -> None:
    run = sub.add_parser("run", help=t._("start the bot (console chat when no token is set)"))
    run.set_defaults(func=cmd_run)

    chat = sub.add_parser("chat", help=t._("chat in the terminal as a platform user"))
    chat.add_argument("--user", required=True, help=t._("platform user id, e.g. lan"))
    chat.add_argument("--name", help=t._("display name the platform would send"))
    chat.add_argument(
        "--join",
        choices=[r.value for r in (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)],
        help=t._("first join the demo commune with its invite for this role (scripted sessions)"),
    )
    chat.set_defaults(func=cmd_chat)

    demo = sub.add_parser("demo", help=t._("create the demo commune (idempotent)"))
    demo.set_defaults(func=cmd_demo)

    db = sub.add_parser("db", help=t._("database maintenance"))
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help=t._("apply migrations")).set_defaults(func=cmd_db_upgrade)


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
    from models.members.joining import member_for_account

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
