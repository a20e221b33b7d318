"""`cdsbot backup` / `cdsbot restore` round trips, run as real processes."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).parent.parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL")


def cdsbot(cwd: Path, url: str, *args: str, stdin: str = "", env: dict | None = None):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(cwd / "data"),
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def marks(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM failed_attempt").fetchone()[0]


def mark(path: Path) -> None:
    """One more row to tell database states apart (written directly: no process start)."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO failed_attempt (channel, user_id, kind, at) "
            "VALUES ('console', 'x', 'invite', '2026-11-25 02:00:00')"
        )


def add_invite(cwd: Path, url: str) -> None:
    made = cdsbot(cwd, url, "invite", "create", "--village", "Thôn 2")
    assert made.returncode == 0, made.stderr


@pytest.fixture
def db(tmp_path, sqlite_template) -> Path:
    path = tmp_path / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    return path


def test_sqlite_backup_and_restore_round_trip(tmp_path, db):
    url = f"sqlite+aiosqlite:///{db}"
    mark(db)
    made = cdsbot(tmp_path, url, "backup")
    assert made.returncode == 0, made.stderr
    backups = list((tmp_path / "data" / "backups").glob("cdsbot-*.sqlite3"))
    assert len(backups) == 1 and marks(backups[0]) == 1
    mark(db)
    assert marks(db) == 2

    back = cdsbot(tmp_path, url, "restore", str(backups[0]))
    assert back.returncode == 0, back.stderr
    assert marks(db) == 1
    saved = list(tmp_path.glob("db.sqlite3.before-restore-*"))
    assert len(saved) == 1 and marks(saved[0]) == 2
    # The restored database works for the bot at once.
    chat = cdsbot(tmp_path, url, "chat", "--user", "x", stdin="/start\n")
    assert chat.returncode == 0 and "/start" in chat.stdout, chat.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    url = f"sqlite+aiosqlite:///{db}"
    mark(db)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    back = cdsbot(tmp_path, url, "restore", str(junk))
    assert back.returncode == 2 and "không phải bản sao lưu của cdsbot" in back.stderr
    assert marks(db) == 1
    assert not list(tmp_path.glob("db.sqlite3.before-restore-*"))


def test_backup_keeps_the_newest_fourteen(tmp_path, db):
    url = f"sqlite+aiosqlite:///{db}"
    folder = tmp_path / "data" / "backups"
    folder.mkdir(parents=True)
    for day in range(1, 16):
        (folder / f"cdsbot-202611{day:02d}-020000.sqlite3").write_bytes(b"old")
    made = cdsbot(tmp_path, url, "backup")
    assert made.returncode == 0, made.stderr
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 14 and "cdsbot-20261101-020000.sqlite3" not in left
    assert "cdsbot-20261102-020000.sqlite3" not in left


@pytest.mark.skipif(
    PG_URL is None or shutil.which("pg_dump") is None, reason="needs PostgreSQL and pg_dump"
)
def test_postgresql_backup_and_restore_round_trip(tmp_path):
    import asyncio

    import asyncpg

    name = f"cds_backup_{uuid.uuid4().hex[:8]}"
    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    url = base.set(database=name).render_as_string(hide_password=False)
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def sql(dsn: str, query: str):
        conn = await asyncpg.connect(dsn)
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    asyncio.run(sql(admin, f"CREATE DATABASE {name}"))
    try:
        assert cdsbot(tmp_path, url, "demo").returncode == 0
        target = tmp_path / "pg.dump"
        made = cdsbot(tmp_path, url, "backup", "--to", str(target), env={"DEFAULT_LOCALE": "en"})
        assert made.returncode == 0, made.stderr
        # pg_dump's --verbose lines count the tables dumped against those the database holds.
        assert re.search(r"Backing up the database: (\d+) of \1 \(100%\)", made.stdout)
        add_invite(tmp_path, url)
        assert asyncio.run(sql(plain, "SELECT count(*) FROM invite_code")) == 4
        back = cdsbot(tmp_path, url, "restore", str(target), env={"DEFAULT_LOCALE": "en"})
        assert back.returncode == 0, back.stderr
        assert re.search(r"Restoring the backup: (\d+) of \1 \(100%\)", back.stdout)
        assert asyncio.run(sql(plain, "SELECT count(*) FROM invite_code")) == 3
        assert asyncio.run(sql(plain, "SELECT count(*) FROM household")) == 40
    finally:
        asyncio.run(sql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def test_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    from bot.cli.snapshot import BackupError, backup

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump is not installed"):
        backup("postgresql+asyncpg://u:secret@127.0.0.1/x", tmp_path / "x.dump")
