"""`cdsbot restore` refuses what is not a backup of this version and then changes nothing.

Real processes; the live SQLite file is compared byte for byte, the PostgreSQL data row by row.
"""

import asyncio
import hashlib
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli.snapshot import pg_dump
from bot.db import make_engine
from models.migrate import upgrade
from tests.ops.test_backup_restore import cdsbot, mark, marks

PG_URL = os.environ.get("TEST_DATABASE_URL")
EN = {"DEFAULT_LOCALE": "en"}


def fingerprint(folder: Path, db: Path) -> tuple[str, list[str]]:
    return hashlib.sha256(db.read_bytes()).hexdigest(), sorted(p.name for p in folder.iterdir())


@pytest.fixture
def live(tmp_path, sqlite_template) -> tuple[Path, str, Path]:
    path = tmp_path / "live" / "db.sqlite3"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    mark(path)
    good = tmp_path / "good.sqlite3"
    made = cdsbot(tmp_path, url, "backup", "--to", str(good))
    assert made.returncode == 0, made.stderr
    mark(path)
    return path, url, good


def edited(tmp_path: Path, good: Path, name: str, *sql: str) -> Path:
    copy = tmp_path / name
    shutil.copy(good, copy)
    with sqlite3.connect(copy) as conn:
        for statement in sql:
            conn.execute(statement)
    return copy


def foreign(tmp_path: Path) -> Path:
    path = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('3f2a9c1b7d4e')")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)")
    return path


def refused_cases(tmp_path: Path, good: Path) -> dict[str, tuple[Path, str]]:
    return {
        "foreign file": (foreign(tmp_path), "unknown version"),
        "newer revision": (
            edited(
                tmp_path, good, "newer.sqlite3",
                "UPDATE alembic_version SET version_num = '0099_from_the_future'",
                "ALTER TABLE household ADD COLUMN future TEXT",
            ),
            "0099_from_the_future",
        ),
        "missing table": (
            edited(tmp_path, good, "missing.sqlite3", "DROP TABLE household_reach"),
            "missing: household_reach",
        ),
        "missing column": (
            edited(tmp_path, good, "column.sqlite3", "ALTER TABLE village DROP COLUMN name_key"),
            "village.name_key",
        ),
        "not a database": (tmp_path / "junk.sqlite3", "not a cdsbot backup"),
    }  # fmt: skip


def test_sqlite_refusals_leave_the_live_file_byte_identical(tmp_path, live):
    path, url, good = live
    (tmp_path / "junk.sqlite3").write_bytes(b"junk" * 1000)
    before = fingerprint(path.parent, path)
    for case, (file, says) in refused_cases(tmp_path, good).items():
        back = cdsbot(tmp_path, url, "restore", str(file), env=EN)
        assert back.returncode == 2, (case, back.stdout, back.stderr)
        assert says in back.stderr and "Nothing was changed" in back.stderr, (case, back.stderr)
        assert "Traceback" not in back.stderr and len(back.stderr.strip().splitlines()) == 1
        assert fingerprint(path.parent, path) == before, case
    # Vietnamese is the default language of the refusal too.
    back = cdsbot(tmp_path, url, "restore", str(tmp_path / "foreign.sqlite3"))
    assert "Không có gì bị thay đổi" in back.stderr, back.stderr
    # The bot still works, and a good backup is then restored.
    chat = cdsbot(tmp_path, url, "chat", "--user", "x", stdin="/start\n")
    assert chat.returncode == 0 and "/start" in chat.stdout, chat.stderr
    back = cdsbot(tmp_path, url, "restore", str(good), env=EN)
    assert back.returncode == 0, back.stderr
    assert marks(path) == 1


def test_an_older_backup_is_migrated_before_it_replaces_the_data(tmp_path, live):
    path, url, _ = live
    older = tmp_path / "older.sqlite3"

    async def build() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{older}")
        await upgrade(engine, "0002_progress_indexes")
        await engine.dispose()

    asyncio.run(build())
    back = cdsbot(tmp_path, url, "restore", str(older), env=EN)
    assert back.returncode == 0, back.stderr
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        head = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert "household_reach" in tables and head != "0002_progress_indexes"
    assert marks(path) == 0  # the older backup's data, not the live one's


pg = pytest.mark.skipif(
    PG_URL is None or shutil.which("pg_dump") is None, reason="needs PostgreSQL and pg_dump"
)


async def _sql(dsn: str, *queries: str):
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return [await conn.fetch(q) for q in queries]
    finally:
        await conn.close()


def sql(dsn: str, *queries: str):
    return asyncio.run(_sql(dsn, *queries))


@pg
def test_postgresql_refuses_a_foreign_dump_and_keeps_the_data(tmp_path):
    base = make_url(PG_URL).set(drivername="postgresql")
    admin = base.render_as_string(hide_password=False)
    names = {k: f"cds_{k}_{uuid.uuid4().hex[:8]}" for k in ("live", "foreign")}
    dsn = {k: base.set(database=v).render_as_string(hide_password=False) for k, v in names.items()}
    url = make_url(PG_URL).set(database=names["live"]).render_as_string(hide_password=False)
    sql(admin, *(f"CREATE DATABASE {n}" for n in names.values()))
    try:
        sql(
            dsn["foreign"],
            "CREATE TABLE orders (id serial PRIMARY KEY, total int)",
            "INSERT INTO orders (total) VALUES (1), (2)",
            # Even a table named like ours with a revision row: still not this version's data.
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)",
            "INSERT INTO alembic_version VALUES ('3f2a9c1b7d4e')",
        )
        dump = tmp_path / "foreign.dump"
        pg_dump(dsn["foreign"], dump)  # another application's database, custom format
        assert cdsbot(tmp_path, url, "demo").returncode == 0
        good = tmp_path / "good.dump"
        assert cdsbot(tmp_path, url, "backup", "--to", str(good)).returncode == 0
        cdsbot(tmp_path, url, "invite", "create", "--village", "Thôn 2")
        state = "SELECT count(*) FROM invite_code", "SELECT count(*) FROM household"
        before = sql(dsn["live"], *state)
        back = cdsbot(tmp_path, url, "restore", str(dump), env=EN)
        assert back.returncode == 2 and "Nothing was changed" in back.stderr, back.stderr
        assert sql(dsn["live"], *state) == before
        tables = sql(dsn["live"], "SELECT tablename FROM pg_tables WHERE schemaname='public'")[0]
        assert "orders" not in {r[0] for r in tables}
        # A good backup still restores afterwards.
        back = cdsbot(tmp_path, url, "restore", str(good), env=EN)
        assert back.returncode == 0, back.stderr
        assert sql(dsn["live"], *state)[0][0][0] == before[0][0][0] - 1
    finally:
        sql(admin, *(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in names.values()))
