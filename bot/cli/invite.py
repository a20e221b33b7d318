"""`cdsbot invite create`: an invite code for a role in a commune or one of its areas."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli.common import CliError, find_commune, find_village
from bot.operator_text import _
from handlers.roles import ROLE_NAMES
from locales import Translator
from models.members import Role
from models.members.joining import create_invite, show_code


def register(sub, t: Translator) -> None:
    invite = sub.add_parser("invite", help=t._("invite codes"))
    invite_sub = invite.add_subparsers(dest="invite_command", required=True)
    create = invite_sub.add_parser("create", help=t._("create an invite code"))
    create.add_argument("--commune", help=t._("commune name (optional with one commune)"))
    create.add_argument("--village", help=t._("village name (omit for officials)"))
    create.add_argument(
        "--role",
        default="volunteer",
        choices=[r.value for r in Role],
        help=t._("role the code gives (default: volunteer)"),
    )
    create.add_argument(
        "--uses", type=int, default=20, help=t._("how many people can join with it (default 20)")
    )
    create.add_argument(
        "--days", type=int, default=30, help=t._("days it stays valid (default 30)")
    )
    create.set_defaults(func=cmd_invite_create)


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
