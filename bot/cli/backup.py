"""`cdsbot backup [--to PATH] [--keep N]` and `cdsbot restore PATH`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import text

from bot.app import App
from bot.cli.common import CliError
from bot.cli.progress import WorkProgress
from bot.cli.restore import RestoreRefused, restore
from bot.cli.snapshot import BackupError, backup, default_path, is_sqlite, prune
from locales import N_, Translator, translator
from models.base import utcnow
from models.migrate import upgrade


def register(sub, t: Translator) -> None:
    cmd = sub.add_parser("backup", help=t._("copy the database to a file (safe while running)"))
    cmd.add_argument("--to", type=Path, help=t._("file to write (default: DATA_DIR/backups/…)"))
    cmd.add_argument(
        "--keep", type=int, default=14, help=t._("keep this many automatic backups (default 14)")
    )
    cmd.set_defaults(func=cmd_backup)
    back = sub.add_parser("restore", help=t._("replace the database with a backup (stop the bot)"))
    back.add_argument("path", type=Path, help=t._("a file made by cdsbot backup"))
    # The live database is not migrated first: a broken one must still be restorable.
    back.set_defaults(func=cmd_restore, migrate=False)


async def cmd_backup(app: App, args: argparse.Namespace) -> int:
    url = app.settings.database_url
    target = args.to or default_path(app.settings.data_dir, url, utcnow())
    t = translator(app.settings.default_locale)
    tables = None if is_sqlite(url) else await _pg_tables(app)
    try:
        with WorkProgress(t, N_("Backing up the database"), total=tables) as work:
            backup(url, target, work)
            work.summary = t.gettext(
                "Backup written to {path} ({size}) in {elapsed}",
                path=str(target),
                size=_size(t, target),
                elapsed=work.elapsed(),
            )
    except BackupError as exc:
        raise CliError(str(exc)) from None
    if args.to is None:
        for old in prune(target.parent, args.keep):
            print(t.gettext("Old backup removed: {name}", name=old.name))
    return 0


async def cmd_restore(app: App, args: argparse.Namespace) -> int:
    # No connection of ours may stay open while the file underneath is replaced.
    await app.engine.dispose()
    t = translator(app.settings.default_locale)
    try:
        saved = await restore(
            app.settings.database_url,
            args.path,
            utcnow(),
            progress=lambda label: WorkProgress(t, label),
        )
    except RestoreRefused as exc:
        raise CliError(t.gettext(exc.msgid, **exc.values)) from None
    except BackupError as exc:
        raise CliError(str(exc)) from None
    # The restored copy was migrated before it replaced the data; this only confirms it.
    await upgrade(app.engine)
    print(
        t.gettext(
            "Restored from {path}. The data before the restore is in {saved}",
            path=str(args.path),
            saved=str(saved),
        )
    )
    return 0


def _size(t, path: Path) -> str:
    return t.gettext("{mib} MiB", mib=t.num(path.stat().st_size / 2**20, 1))


async def _pg_tables(app: App) -> int | None:
    """How many tables pg_dump will dump (every schema but the system ones)."""
    async with app.engine.connect() as conn:
        count = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        )
    return count or None
