"""`cdsbot backup [--to PATH] [--keep N]` and `cdsbot restore PATH`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import App
from bot.backup import BackupError, backup, default_path, prune, restore
from bot.cli import CliError
from models.base import utcnow
from models.migrate import upgrade


def register(sub) -> None:
    cmd = sub.add_parser("backup", help="copy the database to a file (safe while running)")
    cmd.add_argument("--to", type=Path, help="file to write (default: DATA_DIR/backups/…)")
    cmd.add_argument(
        "--keep", type=int, default=14, help="keep this many automatic backups (default 14)"
    )
    cmd.set_defaults(func=cmd_backup)
    back = sub.add_parser("restore", help="replace the database with a backup (stop the bot)")
    back.add_argument("path", type=Path, help="a file made by cdsbot backup")
    back.set_defaults(func=cmd_restore)


async def cmd_backup(app: App, args: argparse.Namespace) -> int:
    url = app.settings.database_url
    target = args.to or default_path(app.settings.data_dir, url, utcnow())
    try:
        backup(url, target)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"Backup written to {target}")
    if args.to is None:
        for old in prune(target.parent, args.keep):
            print(f"Old backup removed: {old.name}")
    return 0


async def cmd_restore(app: App, args: argparse.Namespace) -> int:
    # No connection of ours may stay open while the file underneath is replaced.
    await app.engine.dispose()
    try:
        saved = restore(app.settings.database_url, args.path, utcnow())
    except BackupError as exc:
        raise CliError(str(exc)) from None
    # A backup from an older version is brought up to the current schema.
    await upgrade(app.engine)
    print(f"Restored from {args.path}. The data before the restore is in {saved}")
    return 0
