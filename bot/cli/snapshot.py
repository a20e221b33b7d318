"""Backups: SQLite through the online backup API, PostgreSQL through pg_dump/pg_restore.

Restoring (checked before anything is replaced) is in bot/cli/restore.py."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.cli.progress import WorkProgress
from locales import N_

Progress = Callable[[str], AbstractContextManager[WorkProgress | None]]
SAVE_CURRENT = N_("Saving the current database")
RESTORE = N_("Restoring the backup")

PREFIX = "cdsbot-"


class BackupError(Exception):
    """Why a backup or restore could not be made: one line for the operator."""


def default_path(data_dir: str | Path, url: str, now: datetime) -> Path:
    suffix = ".sqlite3" if is_sqlite(url) else ".dump"
    return Path(data_dir) / "backups" / f"{PREFIX}{now:%Y%m%d-%H%M%S}{suffix}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(database)


def backup(url: str, target: Path, work: WorkProgress | None = None) -> Path:
    """SQLite reports pages copied; PostgreSQL tables dumped (the caller sets their total)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} already exists")
    if is_sqlite(url):
        sqlite_copy(sqlite_file(url), target, work)
    else:
        pg_dump(url, target, work)
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups in a folder."""
    found = sorted(p for p in folder.glob(f"{PREFIX}*") if p.is_file())
    old = found[:-keep] if keep > 0 else found
    for path in old:
        path.unlink()
    return old


def sqlite_copy(source: Path, target: Path, work: WorkProgress | None = None) -> None:
    # The backup API copies a consistent snapshot while other connections keep writing.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)

    def step(_status: int, remaining: int, total: int) -> None:
        if work is not None:
            if work.total != total:
                work.reset(total)
            work.advance_to(total - remaining)

    try:
        with dst:
            # Copied in steps of 4 MiB (4 KiB pages) so progress can be shown between them.
            src.backup(dst, pages=1024, progress=step)
    finally:
        src.close()
        dst.close()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for libpq tools, with the password moved to the environment (not in `ps`)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_dump(url: str, target: Path, work: WorkProgress | None = None) -> None:
    pg_run(
        "pg_dump",
        url,
        ["--format=custom", "--no-owner", f"--file={target}"],
        work=work,
        marker="dumping contents of table",
    )


def pg_list(dump: Path) -> int | None:
    """Tables with data in a custom-format dump, from its table of contents."""
    _require("pg_restore")
    proc = subprocess.run(
        ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"pg_restore: {last}")
    return sum(" TABLE DATA " in line for line in proc.stdout.splitlines()) or None


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools "
            "(apt install postgresql-client) or back up with your provider's tools"
        )


def pg_run(
    tool: str, url: str, args: list[str], *, work: WorkProgress | None = None, marker: str = ""
) -> None:
    """Run a libpq tool; with `work`, its --verbose lines containing `marker` count one each."""
    _require(tool)
    dsn, env = _libpq(url)
    verbose = ["--verbose"] if work is not None else []
    with subprocess.Popen(
        [tool, *verbose, *args, f"--dbname={dsn}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        last, error = "failed", ""
        for line in proc.stderr or ():
            if work is not None and marker in line:
                work.advance()
            elif "error:" in line:
                error = line.strip()
            elif line.strip():
                last = line.strip()
    if proc.returncode != 0:
        # The tool's own prefix is dropped: "pg_dump: error: …" reads "pg_dump: …".
        raise BackupError(f"{tool}: {(error or last).split('error:', 1)[-1].strip()}")
