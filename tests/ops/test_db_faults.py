"""Database faults: SQLite locked by another writer, PostgreSQL connections killed between
two messages, and `kill -9` of a running `cdsbot chat` in the middle of a burst."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from handlers.core.messages import Incoming
from models import Conversation, Inbound, Member
from models.seed import ensure_demo
from tests.conftest import PG_URL, TEXT_CAPS, TZ

ROOT = Path(__file__).parent.parent.parent


def incoming(user: str, text: str, clock) -> Incoming:
    return Incoming(
        channel="console",
        user_id=user,
        chat_id=user,
        message_id=uuid.uuid4().hex,
        sent_at=clock.now,
        text=text,
    )


async def test_sqlite_waits_for_another_writer_and_loses_nothing(sqlite_engine, clock, tmp_path):
    pipeline = Pipeline(make_sessionmaker(sqlite_engine), tz=TZ, clock=clock)
    blocker = sqlite3.connect(sqlite_engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # holds the write lock, as a backup or a script might
    loop = asyncio.get_running_loop()
    loop.call_later(2.0, blocker.execute, "COMMIT")
    started = time.monotonic()
    users = [f"u{n}" for n in range(5)]
    answers = await asyncio.gather(
        *(pipeline.process(incoming(u, "/start", clock), TEXT_CAPS) for u in users)
    )
    waited = time.monotonic() - started
    blocker.close()
    assert waited >= 1.5
    assert all("mã mời" in a[0].text for a in answers)
    async with make_sessionmaker(sqlite_engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Inbound)) == 5
        steps = (await session.execute(select(Conversation.step))).scalars().all()
    assert steps == ["code"] * 5


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL suite: set TEST_DATABASE_URL")
async def test_postgresql_connections_killed_mid_conversation(pg_schema, clock):
    name = f"cds-fault-{uuid.uuid4().hex[:8]}"
    engine = make_engine(
        PG_URL,
        connect_args={"server_settings": {"search_path": pg_schema, "application_name": name}},
    )
    admin = make_engine(PG_URL)
    sessionmaker = make_sessionmaker(engine)
    try:
        async with engine.begin() as conn:
            names = ", ".join(["member", "channel_account", "conversation", "inbound"])
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        async with sessionmaker() as session, session.begin():
            demo = await ensure_demo(session, today=clock.now.date(), now=clock.now)
        pipeline = Pipeline(sessionmaker, tz=TZ, clock=clock)

        async def kill() -> int:
            async with admin.connect() as conn:
                killed = await conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": name},
                )
                return killed.scalar_one()

        said = []
        for message in ("/start", demo.invites["volunteer"], "Nguyễn Thị Lan"):
            assert await kill() >= 1 or not said  # the pool holds a connection after turn 1
            said.append(await pipeline.process(incoming("lan", message, clock), TEXT_CAPS))
        assert "mã mời" in said[0][0].text
        assert "Mã hợp lệ" in said[1][0].text
        assert "🎉" in said[2][0].text
        async with sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(Member)) == 1
            assert await session.scalar(select(func.count()).select_from(Inbound)) == 3
    finally:
        await engine.dispose()
        await admin.dispose()


@dataclass
class Store:
    """A database a real `cdsbot` process can use, and a way to read counts from outside."""

    url: str
    scalar: Callable[[str], int]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"

        def scalar(query: str) -> int:
            with sqlite3.connect(path, timeout=30) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                return conn.execute(query).fetchone()[0]

        yield Store(f"sqlite+aiosqlite:///{path}", scalar)
        return
    if PG_URL is None:
        pytest.skip("PostgreSQL suite: set TEST_DATABASE_URL to run it")
    import asyncpg

    name = f"cds_kill_{uuid.uuid4().hex[:8]}"
    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    own = base.set(drivername="postgresql", database=name).render_as_string(hide_password=False)

    async def fetch(dsn: str, query: str):
        conn = await asyncpg.connect(dsn)
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    asyncio.run(fetch(admin, f"CREATE DATABASE {name}"))
    yield Store(
        base.set(database=name).render_as_string(hide_password=False),
        lambda query: asyncio.run(fetch(own, query)),
    )
    asyncio.run(fetch(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def cdsbot(cwd: Path, url: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(cwd / "data"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("ZALO_BOT_TOKENS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def counts(store: Store) -> tuple[int, int]:
    return (
        store.scalar("SELECT count(*) FROM inbound"),
        store.scalar("SELECT coalesce(max(version), 0) FROM conversation"),
    )


def test_kill_9_during_a_burst_leaves_exact_counts(tmp_path, store):
    demo = cdsbot(tmp_path, store.url, "demo")
    out, err = demo.communicate(timeout=120)
    assert demo.returncode == 0, err
    code = out.splitlines()[1].split()[-1]
    joining = cdsbot(tmp_path, store.url, "chat", "--user", "lan")
    out, err = joining.communicate(f"/start\n{code}\nNguyễn Thị Lan\n", timeout=120)
    assert "🎉" in out, err
    assert counts(store) == (3, 3)

    burst = cdsbot(tmp_path, store.url, "chat", "--user", "lan")
    burst.stdin.write("/trogiup\n/ngonngu\n2\n/ngonngu vi\n" * 100)
    burst.stdin.flush()
    deadline = time.monotonic() + 60
    while counts(store)[0] < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(burst.pid, signal.SIGKILL)
    burst.wait(timeout=30)
    assert burst.returncode == -signal.SIGKILL

    # Every message either fully applied (inbound row + conversation step) or not at all.
    inbound, version = counts(store)
    assert 40 <= inbound < 403
    assert version == inbound
    assert store.scalar("SELECT count(*) FROM member") == 1
    assert store.scalar("SELECT count(*) FROM inbound WHERE status != 'done'") == 0
    again = cdsbot(tmp_path, store.url, "chat", "--user", "lan")
    out, err = again.communicate("/huy\n/start\n", timeout=120)
    assert "Nguyễn Thị Lan" in out, err
    assert counts(store) == (inbound + 2, version + 2)
