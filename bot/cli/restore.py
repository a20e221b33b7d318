"""`cdsbot restore` checks a backup before it touches the live database.

The file must carry an Alembic revision this code knows; a copy of it (a temporary SQLite file,
or a scratch PostgreSQL database) is migrated to the current head and must then hold every table
and column the models expect. Only then is the live database replaced — with the checked,
migrated copy — so a foreign file, a backup from a newer version or one missing a table is
refused with one line and the live database is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

import models  # noqa: F401  (registers every table on the metadata)
from bot.cli import snapshot as raw
from bot.cli.snapshot import RESTORE, SAVE_CURRENT, BackupError, Progress
from bot.db import make_engine
from locales import N_
from models.base import metadata
from models.migrate import alembic_config, upgrade

NOT_A_BACKUP = N_("{path} is not a cdsbot backup. Nothing was changed.")
UNKNOWN_REVISION = N_(
    "{path} comes from a newer or unknown version of cdsbot (schema {revision}). "
    "Nothing was changed; update cdsbot first."
)
MIGRATION_FAILED = N_(
    "{path} could not be brought up to this version's schema ({error}). Nothing was changed."
)
SCHEMA_MISMATCH = N_(
    "{path} does not hold this version's tables (missing: {missing}). Nothing was changed."
)
NO_SCRATCH = N_(
    "Could not make a scratch database to check the backup ({error}); the database user needs "
    "CREATEDB. Nothing was changed."
)


class RestoreRefused(BackupError):
    """A backup that failed a check: a translatable line; the live database is untouched."""

    def __init__(self, msgid: str, **values: str) -> None:
        super().__init__(msgid.format(**values))
        self.msgid, self.values = msgid, values


def known_revision(revision: str | None) -> bool:
    if not revision:
        return False
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return script.get_revision(revision) is not None
    except (CommandError, KeyError, ValueError):
        return False


def schema_problems(connection) -> list[str]:
    """Tables and columns the models expect that a database lacks ("table" or "table.column")."""
    insp = inspect(connection)
    present = set(insp.get_table_names())
    missing: list[str] = []
    for table in metadata.sorted_tables:
        if table.name not in present:
            missing.append(table.name)
            continue
        columns = {c["name"] for c in insp.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in columns]
    return missing


async def _migrate_and_compare(url: str, source: Path) -> None:
    """Migrate the scratch copy at `url` to head and compare it with the models."""
    engine = make_engine(url)
    try:
        try:
            await upgrade(engine)
        except (SQLAlchemyError, CommandError, KeyError, ValueError) as exc:
            raise RestoreRefused(
                MIGRATION_FAILED, path=str(source), error=type(exc).__name__
            ) from None
        async with engine.connect() as conn:
            missing = await conn.run_sync(schema_problems)
    finally:
        await engine.dispose()
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise RestoreRefused(SCHEMA_MISMATCH, path=str(source), missing=shown)


async def restore(
    url: str, source: Path, now: datetime, *, progress: Progress | None = None
) -> Path:
    """Check, then replace the live database; returns where the data before it was saved."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    step = progress or (lambda _label: contextlib.nullcontext())
    if raw.is_sqlite(url):
        return await _restore_sqlite(url, source, now, step)
    return await _restore_postgresql(url, source, now, step)


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_revision(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return None
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return rows[0][0] if len(rows) == 1 else ""


async def _restore_sqlite(url: str, source: Path, now: datetime, step) -> Path:
    revision = _sqlite_revision(source)
    if revision is None:
        raise RestoreRefused(NOT_A_BACKUP, path=str(source))
    if not known_revision(revision):
        raise RestoreRefused(UNKNOWN_REVISION, path=str(source), revision=revision or "?")
    current = raw.sqlite_file(url)
    current.parent.mkdir(parents=True, exist_ok=True)
    scratch_dir = Path(tempfile.mkdtemp(prefix=".restore-check-", dir=current.parent))
    try:
        scratch = scratch_dir / "check.sqlite3"
        raw.sqlite_copy(source, scratch)
        await _migrate_and_compare(f"sqlite+aiosqlite:///{scratch}", source)
        saved = current.with_name(f"{current.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        if current.exists():
            with step(SAVE_CURRENT) as work:
                raw.sqlite_copy(current, saved, work)
        with step(RESTORE) as work:
            # The checked, already migrated copy replaces the live data in one transaction.
            raw.sqlite_copy(scratch, current, work)
        return saved
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)


# PostgreSQL -----------------------------------------------------------------------------------


async def _admin(url: str, statement: str) -> None:
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _restore_postgresql(url: str, source: Path, now: datetime, step) -> Path:
    try:
        raw.pg_list(source)
    except BackupError:
        raise RestoreRefused(NOT_A_BACKUP, path=str(source)) from None
    scratch_name = f"cdsbot_restore_{uuid.uuid4().hex[:12]}"
    scratch_url = make_url(url).set(database=scratch_name).render_as_string(hide_password=False)
    try:
        await _admin(url, f'CREATE DATABASE "{scratch_name}"')
    except SQLAlchemyError as exc:
        raise RestoreRefused(NO_SCRATCH, error=type(exc).__name__) from None
    workdir = Path(tempfile.mkdtemp(prefix="cdsbot-restore-"))
    try:
        try:
            raw.pg_run("pg_restore", scratch_url, ["--no-owner", "--exit-on-error", str(source)])
        except BackupError:
            raise RestoreRefused(NOT_A_BACKUP, path=str(source)) from None
        revision = await _pg_revision(scratch_url)
        if revision is None:
            raise RestoreRefused(NOT_A_BACKUP, path=str(source))
        if not known_revision(revision):
            raise RestoreRefused(UNKNOWN_REVISION, path=str(source), revision=revision or "?")
        await _migrate_and_compare(scratch_url, source)
        # The checked, migrated copy replaces the live tables in one transaction: --clean drops
        # every table it holds first, and it holds all of this version's tables.
        checked = workdir / "checked.dump"
        raw.pg_dump(scratch_url, checked)
        tables = raw.pg_list(checked)
        saved = source.parent / f"before-restore-{now:%Y%m%d-%H%M%S}.dump"
        with step(SAVE_CURRENT) as work:
            raw.pg_dump(url, saved, work)
        with step(RESTORE) as work:
            if work is not None:
                work.reset(tables)
            raw.pg_run(
                "pg_restore",
                url,
                ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(checked)],
                work=work,
                marker="processing data for table",
            )
        return saved
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with contextlib.suppress(SQLAlchemyError):
            await _admin(url, f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)')


async def _pg_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            has = await conn.run_sync(lambda c: inspect(c).has_table("alembic_version"))
            if not has:
                return None
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await engine.dispose()
    return rows[0][0] if len(rows) == 1 else ""
