"""The database goes away in the middle of a conversation with a real `cdsbot run` on Zalo:
the user's message is acknowledged, kept in the local spool, the user is told it will be
handled, and once the database is back it is handled exactly once and the answer arrives.

PostgreSQL: the bot runs on a scratch database of its own, whose connections are terminated
and which is renamed away (and back) — never the shared `test` database. SQLite: the file is
moved away under the running process (and back)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.fakes.zalo_api import FakeZaloApi, text_update
from tests.ops.botproc import ROOT, BotProcess, post, until

TOKEN = "4343:intake-outage-token"
NOTICE = "không cần gửi lại"


async def admin(query: str) -> None:
    import asyncpg

    dsn = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(query)
    finally:
        await conn.close()


async def fetchval(db: str, query: str):
    import asyncpg

    url = make_url(PG_URL).set(drivername="postgresql", database=db)
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()


@dataclass
class Store:
    url: str
    take_away: Callable[[], Awaitable[None]]
    bring_back: Callable[[], Awaitable[None]]
    count: Callable[[str], Awaitable[int]]


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"

        async def away() -> None:
            os.rename(path, tmp_path / "db.away")

        async def back() -> None:
            os.rename(tmp_path / "db.away", path)

        async def count(query: str) -> int:
            with sqlite3.connect(path) as conn:
                return conn.execute(query).fetchone()[0]

        yield Store(f"sqlite+aiosqlite:///{path}", away, back, count)
        return
    if PG_URL is None:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL")
    name = f"cds_outage_{uuid.uuid4().hex[:10]}"
    await admin(f"CREATE DATABASE {name}")
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield Store(
        url,
        lambda: take_away(name),
        lambda: admin(f"ALTER DATABASE {name}_away RENAME TO {name}"),
        lambda query: fetchval(name, query),
    )
    for db in (name, name + "_away"):
        await admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


async def take_away(name: str) -> None:
    """Terminate the bot's connections and rename the database, so reconnecting fails."""
    for _ in range(50):
        try:
            await admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
            await admin(f"ALTER DATABASE {name} RENAME TO {name}_away")
            return
        except Exception:  # the pool reconnected in between: terminate again
            await asyncio.sleep(0.05)
    raise AssertionError("could not take the database away")


async def demo_code(url: str, workdir) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", cwd=workdir,
        env={"DATABASE_URL": url, "DATA_DIR": str(workdir / "data"), "PYTHONPATH": str(ROOT),
             "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    return out.decode().splitlines()[1].split()[-1]


async def test_database_gone_mid_conversation_then_the_message_is_handled_once(store, tmp_path):
    url = store.url
    code = await demo_code(url, tmp_path)
    fake = await FakeZaloApi().start()
    bot = fake.add_bot(TOKEN)
    proc = BotProcess(tmp_path, url, {"ZALO_BOT_TOKENS": TOKEN, "ZALO_API_BASE": fake.base})
    try:
        await proc.start(lambda: _true(bot.webhook_url))

        def texts() -> list[str]:
            return [s.text for s in bot.sent if s.chat_id == "zlan"]

        async def say(text: str) -> int:
            headers = {"X-Bot-Api-Secret-Token": bot.webhook_secret}
            update = text_update("zlan", text, name="Lan")
            return await post(bot.webhook_url, {"ok": True, "result": update}, headers)

        for n, message in enumerate(["/start", code], 1):
            assert await say(message) == 200
            assert await until(lambda n=n: len(texts()) >= n, 20), texts()
        assert 'tên là "Lan"' in texts()[-1]  # "1. Đúng  2. Nhập tên khác"

        await store.take_away()
        # The answer, typed while the database is gone: acknowledged, kept, the user told so.
        assert await say("1") == 200
        assert await until(lambda: len(texts()) >= 3, 20), texts()
        assert NOTICE in texts()[2]
        spool = tmp_path / "data" / "spool"
        assert any(spool.iterdir())
        await asyncio.sleep(2)  # the bot keeps trying meanwhile
        assert len(texts()) == 3

        await store.bring_back()
        assert await until(lambda: any("🎉" in t for t in texts()), 30), texts()
        await asyncio.sleep(2)
        assert sum("🎉" in t for t in texts()) == 1
        assert "vừa được xử lý lại" in texts()[3]
        assert await store.count("SELECT count(*) FROM member") == 1
        assert await store.count("SELECT count(*) FROM inbound WHERE status <> 'done'") == 0
        assert list(spool.iterdir()) == []
        assert "kept in the local spool" in proc.log.read_text()
    finally:
        await proc.stop()
        await fake.close()


async def _true(value) -> bool:  # noqa: ANN001
    return bool(value)
