"""`/readyz`: 503 naming the part that is not ready (database, migrations, a channel), 200
when all are; `/healthz` stays a plain "the process answers"."""

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.channels.zalo.channel import ZaloChannel
from bot.db import make_engine, make_sessionmaker
from bot.health import Readiness, head_revision
from bot.pipeline import Pipeline
from bot.web import make_web_app
from models.migrate import upgrade
from tests.conftest import PG_URL, TZ
from tests.fakes.zalo_api import FakeZaloApi

ROOT = Path(__file__).parent.parent.parent


async def ready(client: TestClient) -> tuple[int, dict]:
    response = await client.get("/readyz")
    return response.status, await response.json()


async def probe(port: int) -> tuple[int, str]:
    env = {**os.environ, "WEB_PORT": str(port), "WEB_HOST": "0.0.0.0", "DEFAULT_LOCALE": "en"}
    env.pop("METRICS_PORT", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.probe", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, err.decode()


async def set_version(engine, revision: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})


async def test_readyz_names_migrations_behind_and_a_channel_that_stopped(sqlite_engine, tmp_path):
    fake = await FakeZaloApi().start()
    fake.add_bot("2222:good-token")
    pipeline = Pipeline(make_sessionmaker(sqlite_engine), tz=TZ, files_dir=tmp_path)
    polling = ZaloChannel("2222:good-token", pipeline, api_base=fake.base, poll_timeout=1)
    refused = ZaloChannel("3333:not-known", pipeline, api_base=fake.base, poll_timeout=1)
    readiness = Readiness(sqlite_engine, [polling])
    try:
        async with TestClient(TestServer(make_web_app(readiness), host="127.0.0.1")) as client:
            assert await ready(client) == (503, {"ok": False, "failing": ["zalo:2222"]})
            await polling.start()
            assert await ready(client) == (200, {"ok": True})
            # A token Zalo refuses: the channel gives up polling and is named.
            await refused.start()
            readiness.channels = [polling, refused]
            assert await ready(client) == (503, {"ok": False, "failing": ["zalo:3333"]})
            readiness.channels = [polling]
            # A database restored from an older version, not yet upgraded.
            await set_version(sqlite_engine, "0001_initial_schema")
            assert await ready(client) == (503, {"ok": False, "failing": ["migrations"]})
            # The probe the container and systemd run says the same, as a process.
            code, err = await probe(client.server.port)
            assert code == 1 and "Not ready: migrations (http://127.0.0.1:" in err
            await set_version(sqlite_engine, head_revision())
            assert await ready(client) == (200, {"ok": True})
            assert (await probe(client.server.port))[0] == 0
            assert (await client.get("/healthz")).status == 200
    finally:
        await polling.stop()
        await refused.stop()
        await fake.close()


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL suite: set TEST_DATABASE_URL")
async def test_readyz_goes_503_naming_the_database_while_it_refuses_and_200_when_it_returns():
    # A scratch database of its own: closing it to connections must not touch `test`.
    name = f"cds_ready_{uuid.uuid4().hex[:8]}"
    base = make_url(PG_URL)
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f"CREATE DATABASE {name}")
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
    try:
        await upgrade(engine)
        readiness = Readiness(engine)
        async with TestClient(TestServer(make_web_app(readiness), host="127.0.0.1")) as client:
            assert await ready(client) == (200, {"ok": True})
            await admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            loop = asyncio.get_running_loop()
            started = loop.time()
            assert await ready(client) == (503, {"ok": False, "failing": ["database"]})
            assert loop.time() - started < 3  # bounded: one second per check, plus slack
            # /healthz does not touch the database: the process itself is fine.
            assert (await client.get("/healthz")).status == 200
            await admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
            assert await ready(client) == (200, {"ok": True})
    finally:
        await engine.dispose()
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def test_readyz_times_out_on_a_database_that_does_not_answer(tmp_path):
    # A listener that accepts and never speaks: a hung database server, not a refused one.
    hung = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = hung.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql+asyncpg://u@127.0.0.1:{port}/x")
    readiness = Readiness(engine, timeout=0.5)
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        assert await readiness.failing() == ["database"]
        assert loop.time() - started < 2
    finally:
        await engine.dispose()
        hung.close()
        await hung.wait_closed()


def test_the_head_revision_is_the_newest_migration():
    assert head_revision() is not None and head_revision().startswith("00")
