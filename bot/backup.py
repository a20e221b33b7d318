"""Backups: SQLite through the online backup API, PostgreSQL through pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

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


def backup(url: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} already exists")
    if is_sqlite(url):
        _sqlite_copy(sqlite_file(url), target)
    else:
        _pg_dump(url, target)
    return target


def restore(url: str, source: Path, now: datetime) -> Path:
    """Replace the database with a backup; the current data is saved first. Returns that copy."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if is_sqlite(url):
        _check_sqlite_backup(source)
        current = sqlite_file(url)
        saved = current.with_name(f"{current.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        _sqlite_copy(current, saved)
        _sqlite_copy(source, current)
        return saved
    saved = source.parent / f"before-restore-{now:%Y%m%d-%H%M%S}.dump"
    _pg_dump(url, saved)
    _pg_run(
        "pg_restore",
        url,
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
    )
    return saved


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups in a folder."""
    found = sorted(p for p in folder.glob(f"{PREFIX}*") if p.is_file())
    old = found[:-keep] if keep > 0 else found
    for path in old:
        path.unlink()
    return old


def _sqlite_copy(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot while other connections keep writing.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _check_sqlite_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a cdsbot SQLite backup ({exc})") from None
    if ok != "ok" or version is None:
        raise BackupError(f"{path} is damaged or not a cdsbot backup")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for libpq tools, with the password moved to the environment (not in `ps`)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump(url: str, target: Path) -> None:
    _pg_run("pg_dump", url, ["--format=custom", "--no-owner", f"--file={target}"])


def _pg_run(tool: str, url: str, args: list[str]) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools "
            "(apt install postgresql-client) or back up with your provider's tools"
        )
    dsn, env = _libpq(url)
    proc = subprocess.run(
        [tool, *args, f"--dbname={dsn}"], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{tool}: {last}")
