"""`cdsbot web login --commune NAME`: a one-time sign-in link to the web page for the admin."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli.common import find_commune
from bot.webui.demo import sign_in_link
from locales import Translator, translator
from models.members import Role
from models.websession import LOGIN_MINUTES


def register(sub, t: Translator) -> None:
    web = sub.add_parser("web", help=t._("the web page for officials and leaders"))
    web_sub = web.add_subparsers(dest="web_command", required=True)
    login = web_sub.add_parser("login", help=t._("print a one-time sign-in link (admin)"))
    login.add_argument("--commune", help=t._("commune name (optional with one commune)"))
    login.set_defaults(func=cmd_login)


async def cmd_login(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        commune = await find_commune(session, args.commune)
    link = await sign_in_link(app, commune_id=commune.id, role=Role.ADMIN)
    t = translator(app.settings.default_locale)
    print(
        t._(
            "Sign-in link for the admin, {commune} (one use, {minutes} minutes):",
            commune=commune.name,
            minutes=LOGIN_MINUTES,
        )
    )
    print(link)
    return 0
