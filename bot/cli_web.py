"""`cdsbot web login --commune NAME`: a one-time sign-in link to the web page for the admin."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli import find_commune
from models.base import utcnow
from models.member import Role
from models.websession import LOGIN_MINUTES, create_login


def register(sub) -> None:
    web = sub.add_parser("web", help="the web page for officials and leaders")
    web_sub = web.add_subparsers(dest="web_command", required=True)
    login = web_sub.add_parser("login", help="print a one-time sign-in link (admin)")
    login.add_argument("--commune", help="commune name (optional with one commune)")
    login.set_defaults(func=cmd_login)


async def sign_in_link(app: App, *, commune_id: int, role: str) -> str:
    async with app.sessionmaker() as session, session.begin():
        token = await create_login(session, commune_id=commune_id, role=role, now=utcnow())
    return f"{app.pipeline.web_base_url}/web/dangnhap/{token}"


async def cmd_login(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        commune = await find_commune(session, args.commune)
    link = await sign_in_link(app, commune_id=commune.id, role=Role.ADMIN)
    print(f"Sign-in link for the admin, {commune.name} (one use, {LOGIN_MINUTES} minutes):")
    print(link)
    return 0
