"""`cdsbot commune list | rename | delete`: several communes side by side in one database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import App
from bot.cli.common import CliError, commune_label, find_commune
from bot.cli.snapshot import BackupError, backup, default_path
from bot.operator_text import _, op_t
from handlers.places import commune_title
from locales import Translator
from models.audit import audit
from models.base import utcnow
from models.communes.admin import delete_commune, list_communes, rename_commune
from models.keys import fold


def register(sub, t: Translator) -> None:
    commune = sub.add_parser("commune", help=t._("communes in this database"))
    commune_sub = commune.add_subparsers(dest="commune_command", required=True)
    commune_sub.add_parser("list", help=t._("every commune")).set_defaults(func=cmd_commune_list)
    ren = commune_sub.add_parser("rename", help=t._("rename a commune"))
    ren.add_argument("--commune", help=t._("commune name (optional with one commune)"))
    ren.add_argument("name", help=t._("the new name"))
    ren.set_defaults(func=cmd_commune_rename)
    rm = commune_sub.add_parser(
        "delete", help=t._("delete a commune and all its data (backup first)")
    )
    rm.add_argument("--commune", help=t._("commune name (optional with one commune)"))
    rm.add_argument("--yes", action="store_true", help=t._("do not ask for the name again"))
    rm.set_defaults(func=cmd_commune_delete)


async def cmd_commune_list(app: App, args: argparse.Namespace) -> int:
    t = op_t()
    async with app.sessionmaker() as session:
        rows = await list_communes(session)
    if not rows:
        print(_("No commune yet. Set one up with `cdsbot plan apply FILE.xlsx`."))
        return 0
    for row in rows:
        title = commune_title(t, row.name, row.kind, demo=row.is_demo)
        where = f" ({row.province})" if row.province else ""
        print(
            _(
                "{title}{province}: {areas} areas, {members} members, {households} households",
                title=title,
                province=where,
                areas=t.num(row.areas),
                members=t.num(row.members),
                households=t.num(row.households),
            )
        )
    return 0


async def cmd_commune_rename(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session, session.begin():
        commune = await find_commune(session, args.commune)
        old = commune.name
        if not await rename_commune(session, commune, args.name):
            raise CliError(_('There is already a commune "{name}".', name=args.name))
        audit(session, action="rename", entity="commune", commune_id=commune.id)
    print(_('Commune "{old}" is now "{new}".', old=old, new=commune.name))
    return 0


async def cmd_commune_delete(app: App, args: argparse.Namespace) -> int:
    async with app.sessionmaker() as session:
        commune = await find_commune(session, args.commune)
        label, name = commune_label(commune), commune.name
    if not args.yes:
        print(
            _(
                'This deletes "{name}" with all its members, households, visits and targets. '
                "Type the commune's name to confirm:",
                name=label,
            )
        )
        typed = sys.stdin.readline()
        if fold(typed) != fold(name):
            raise CliError(_("The name does not match: nothing was deleted."))
    url = app.settings.database_url
    target = default_path(app.settings.data_dir, url, utcnow())
    try:
        saved = await asyncio.to_thread(backup, url, target)
    except BackupError as exc:
        reason = str(exc)
        raise CliError(
            _("No backup could be made, so nothing was deleted: {reason}", reason=reason)
        ) from None
    async with app.sessionmaker() as session, session.begin():
        photos = await delete_commune(session, commune.id)
        audit(session, action="delete", entity="commune", detail={"name": name})
    _remove_files(app.files_dir, photos)
    print(_("Backup saved to {file}.", file=saved))
    print(_('Commune "{name}" deleted.', name=label))
    return 0


def _remove_files(root: Path, refs: list[str]) -> None:
    base = root.resolve()
    for ref in refs:
        path = (base / ref).resolve()
        # A stored reference never points outside the files directory.
        if path.is_relative_to(base) and path.is_file():
            path.unlink()
